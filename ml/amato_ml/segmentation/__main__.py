"""`python -m amato_ml.segmentation`: see cli.py."""

from amato_ml.segmentation.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
