"""``python -m fosterreport``: the same command as ``fosterreport``, for a machine where
the script is not on PATH (a CI image, a virtualenv not activated)."""

from fosterreport.cli import main

if __name__ == "__main__":
    main()
