"""A realistic H22 City Expo to try the system on: `load_demo` fills the database with it.

`programme` plans the rows (pure, deterministic), `loader` inserts the missing ones,
`content` holds the facts both are built from.
"""
