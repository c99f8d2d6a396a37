"""Exit 0 when the PostgreSQL server for the test pass answers, 1 otherwise (used by `make test`)."""

import sys

from sqlalchemy import create_engine, text

from tests.conftest import postgres_admin_url


def main() -> int:
    try:
        engine = create_engine(postgres_admin_url(), connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any failure means: not reachable for our purpose
        print(f"PostgreSQL not reachable: {type(exc).__name__}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
