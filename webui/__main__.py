"""Start the web UI on this computer with the demo village: ``python -m webui``.

Prints the address and the demo logins. For production, serve ``webui:create_app()`` with
gunicorn (docs/webui.md, "Production"): voters' links never reach its logs (webui.logprivacy).
"""

from __future__ import annotations

import argparse

from . import create_app
from .demo import DEMO_ACCOUNTS, DEMO_PASSWORD, ensure_demo


def main() -> None:
    parser = argparse.ArgumentParser(description="deliberate web UI with the demo village")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--no-demo", action="store_true", help="do not install the demo village")
    args = parser.parse_args()
    app = create_app()
    store = app.extensions["deliberate"]
    demo = False
    if not args.no_demo:
        try:
            demo = ensure_demo(store)
        except Exception as failed:
            # E.g. a record that fails its check: serve anyway, so that every page shows the
            # integrity alarm rather than nothing at all.
            print(f"示范数据未能安装 / the demo could not be installed: {failed}".strip())
            demo = None
    print(f"议事厅 / deliberate: http://{args.host}:{args.port}/")
    if demo is None:
        pass
    elif demo:
        print(f"演示账号 / demo logins (password {DEMO_PASSWORD}): "
              + ", ".join(username for username, *_ in DEMO_ACCOUNTS))
    else:
        print("此数据库已有村庄，未安装示范数据 / this database holds villages: no demo installed")
    app.run(host=args.host, port=args.port, threaded=True)


if __name__ == "__main__":
    main()
