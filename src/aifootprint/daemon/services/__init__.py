"""The daemon's rules: what a summary holds, what is recorded while paused, settings,
export and import, and the student's class sharing. Handlers call these; these call the
store."""
