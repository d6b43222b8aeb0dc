import pytest


@pytest.fixture(autouse=True)
def budget_dir(tmp_path, monkeypatch):
    """Every test gets its own Parquet store."""
    path = tmp_path / "budget"
    monkeypatch.setenv("RENDA_BUDGET_DIR", str(path))
    return path
