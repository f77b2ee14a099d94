"""The domain shared by the site generator and the form backend: the registry model, field
rules, deadlines and how facts are shown."""

# Where the complaint form posts: the site's forms and the backend's route.
API_PATH = "/api/klachten"
# Where the providers' pages are: /aanbieders/<slug>/.
PROVIDERS_DIR = "aanbieders"
