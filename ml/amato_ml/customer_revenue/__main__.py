"""`python -m amato_ml.customer_revenue`: see cli.py."""

from amato_ml.customer_revenue.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
