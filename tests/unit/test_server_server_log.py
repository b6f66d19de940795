import os

import pytest

from facegate.server.server_log import ServerLog


def log_of(text: str, echo=None) -> ServerLog:
    read_end, write_end = os.pipe()
    with os.fdopen(write_end, "wb") as writer:
        writer.write(text.encode())
    log = ServerLog(os.fdopen(read_end, "rb"), echo)
    log.wait_closed(timeout_s=5)
    return log


def test_keeps_every_line_and_echoes_them():
    echoed = []
    log = log_of("one\ntwo\nthree\n", echoed.append)
    assert log.text() == "one\ntwo\nthree\n"
    assert log.tail(2) == "two\nthree\n"
    assert echoed == ["one\n", "two\n", "three\n"]


def test_errors_about_a_model_are_the_error_lines_quoting_its_name():
    log = log_of(
        "I0101 loading: 'detect'\n"
        "E0101 model_repository_manager.cc:1460] \"Poll failed for model directory 'detect': bad proto\"\n"
        "E0101 failed to load 'detect_preprocess'\n"
    )
    assert log.errors_about("detect") == [
        "E0101 model_repository_manager.cc:1460] \"Poll failed for model directory 'detect': bad proto\""
    ]


def test_text_since_a_mark_survives_the_line_cap_and_refuses_lost_lines(monkeypatch):
    monkeypatch.setattr("facegate.server.server_log.MAX_LINES", 3)
    log = log_of("".join(f"{i}\n" for i in range(5)))  # lines 0 and 1 dropped, 2-4 kept
    assert log.mark() == 5
    assert log.text_since(3) == "3\n4\n"
    assert log.text_since(2) == "2\n3\n4\n"
    assert log.text_since(5) == ""
    with pytest.raises(LookupError, match="1 lines"):
        log.text_since(1)
