"""The Data page reads an upload once and checks it once, and keeps only the latest files.

A 100 MB CSV checked twice, with both results cached as pickled copies, kept
4 GB on the server. These run the page's own cached functions (Streamlit's
caches work without a server).
"""

from __future__ import annotations

from dashboard.loader_ui import checked, read_upload
from data.mapping import suggest_mapping

FILE = b"date,segment,region,company,units\n2024-01-01,SMB,EU,Apex,10\n2024-02-01,SMB,EU,Apex,11\n"


def test_checking_reuses_the_file_already_read_and_a_rerun_reuses_the_check():
    first = read_upload("m.csv", FILE, "market", None)
    mapping = suggest_mapping(first.raw, "market")
    loaded = checked("m.csv", FILE, "market", mapping, None)
    assert loaded.ok
    assert loaded.raw is first.raw  # read once: checking did not read the bytes again
    assert read_upload("m.csv", bytes(FILE), "market", None) is first  # same content, new bytes object: no re-read
    assert checked("m.csv", bytes(FILE), "market", mapping, None) is loaded  # a rerun: no re-check


def test_only_the_two_latest_files_stay_cached():
    files = [FILE.replace(b"10", str(n).encode()) for n in range(100, 103)]
    kept = [read_upload("m.csv", content, "market", None) for content in files]
    assert read_upload("m.csv", files[2], "market", None) is kept[2]
    assert read_upload("m.csv", files[1], "market", None) is kept[1]
    assert read_upload("m.csv", files[0], "market", None) is not kept[0]  # evicted, so read again
