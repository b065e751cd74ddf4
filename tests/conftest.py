"""Options for the whole suite."""


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite the golden files of the example report (tests/report/golden/) from this build; review the diff before committing.",
    )
