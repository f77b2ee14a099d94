"""The domain shared by the site generator and the form backend: the registry model, field
rules, deadlines and how facts are shown."""

# Where the complaint form posts: the site's forms and the backend's route.
API_PATH = "/api/klachten"
# Where the providers' pages are: /aanbieders/<slug>/.
PROVIDERS_DIR = "aanbieders"
# The header CloudFront adds to every request for the API, with a secret the function checks
# (infra/template.yaml); `make serve` adds it as CloudFront would.
ORIGIN_HEADER = "x-origin-verify"
