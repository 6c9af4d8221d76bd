"""`python -m amato_ml.forecast`: see cli.py."""

from amato_ml.forecast.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
