"""`python -m devserver`: build the site and serve it with a working form backend."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from devserver.backend import prepare_environment


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="devserver", description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--site-dir", type=Path, default=Path("site"))
    parser.add_argument("--registry", type=Path, default=Path("providers.yaml"))
    parser.add_argument("--outbox", type=Path, default=Path("var/outbox"))
    parser.add_argument("--no-watch", action="store_true", help="do not rebuild on changes")
    parser.add_argument("--posts-per-ip", type=int, default=None,
                        help="posts one client IP may make per five minutes (default: the "
                             "web ACL's limit; load tests raise it)")
    parser.add_argument("--retry-seconds", type=float, default=None,
                        help="seconds between runs of the retry function, which sends pending "
                             "e-mails and confirmed copies (default: as scheduled in AWS)")
    args = parser.parse_args(argv)

    site_url = f"http://localhost:{args.port}/"
    prepare_environment(site_url)

    from devserver.server import RETRY_SECONDS, serve
    from infra.edge import POSTS_PER_IP

    return serve(args.host, args.port, args.site_dir, args.registry, args.outbox,
                 watch=not args.no_watch, posts_per_ip=args.posts_per_ip or POSTS_PER_IP,
                 retry_seconds=args.retry_seconds or RETRY_SECONDS)


if __name__ == "__main__":
    sys.exit(main())
