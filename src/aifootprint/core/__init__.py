"""Basics every part uses, the class server included: errors, texts, configuration
helpers, the migration runner and the HTTP pieces both servers share. Imports nothing
else of the package."""
