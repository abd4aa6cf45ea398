"""Feed ingestion: fetching feeds safely (fetch.py, guard.py) and turning them into stories."""
