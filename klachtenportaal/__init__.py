"""The domain shared by the site generator and the form backend: the registry model, field
rules, deadlines and how facts are shown."""
