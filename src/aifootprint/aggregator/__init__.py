"""The class aggregator: a small service that adds up opted-in students' weekly counts.

Run by school IT or a teacher (`aifootprint aggregator serve`), installed with the
`aggregator` extra. It keeps running sums per class and period, refuses anything that
does not fit the rules, and releases each period once, with differential-privacy
noise, only when at least k students contributed. See docs/classroom.md.
"""
