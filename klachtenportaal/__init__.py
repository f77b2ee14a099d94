"""The domain shared by the site generator and the form backend: the registry model, field
rules, deadlines and how facts are shown."""

# Where a complaint is sent: the backend's route, and the send button of the answers' check.
API_PATH = "/api/klachten"
# Where the complaint form posts first: its answers come back to be checked before sending.
CHECK_PATH = f"{API_PATH}/controleren"
# Where a "Wijzigen" on that check posts: the form again, with what was typed.
CHANGE_PATH = f"{API_PATH}/wijzigen"
# Where the page's script asks how to upload an attachment (a presigned POST to S3).
UPLOAD_PATH = f"{API_PATH}/bijlagen"
# Where the link to a complainant's status page is asked for again (kenmerk and address).
STATUS_LINK_PATH = f"{API_PATH}/statuslink"
# Where the providers' pages are: /aanbieders/<slug>/.
PROVIDERS_DIR = "aanbieders"
# The header CloudFront adds to every request for the API, with a secret the function checks
# (infra/template.yaml); `make serve` adds it as CloudFront would.
ORIGIN_HEADER = "x-origin-verify"
