"""main.py as a user types it."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from csapp import __version__, paths
from tests.conftest import ROOT, run_main


def test_help_and_version():
    result = run_main("--help")
    assert result.returncode == 0
    assert "--data-dir" in result.stdout and "--screenshot" in result.stdout
    assert "banks" in result.stdout
    version = run_main("--version")
    assert version.stdout.strip() == f"csapp {__version__}"


def test_banks_lists_the_built_in_course_bank(data_dir):
    result = run_main("banks")
    assert result.returncode == 0, result.stderr
    assert "客户服务管理（内置）" in result.stdout
    assert "单选题" in result.stdout
    assert paths.db_path(data_dir).exists()


def test_data_dir_option_wins_over_the_environment(tmp_path, data_dir):
    other = tmp_path / "usb"
    result = run_main("--data-dir", str(other), "banks")
    assert result.returncode == 0
    assert paths.db_path(other).exists()
    assert not paths.db_path(data_dir).exists()


def test_unusable_data_dir_is_one_sentence(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run_main("--data-dir", str(blocker / "data"), "banks")
    assert result.returncode == 2
    assert "数据文件夹" in result.stderr
    assert "Traceback" not in result.stderr


def test_screenshot_renders_the_home_page(tmp_path):
    out = tmp_path / "home.png"
    result = run_main("--screenshot", str(out), "--size", "1366x768")
    assert result.returncode == 0, result.stderr
    from PySide6.QtGui import QImage

    image = QImage(str(out))
    assert (image.width(), image.height()) == (1366, 768)


def test_screenshot_of_a_named_page_and_an_unknown_one(tmp_path):
    out = tmp_path / "stats.png"
    assert run_main("--screenshot", str(out), "--page", "stats").returncode == 0
    assert out.stat().st_size > 1000
    bad = run_main("--screenshot", str(tmp_path / "x.png"), "--page", "nowhere")
    assert bad.returncode == 2
    assert "没有名为" in bad.stderr


def test_second_instance_on_the_same_data_is_refused_and_touches_nothing(tmp_path, data_dir):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, time
                from PySide6.QtCore import QLockFile
                lock = QLockFile({str(data_dir / "csapp.lock")!r})
                assert lock.tryLock(0)
                print("locked", flush=True)
                sys.stdin.readline()
                """
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = run_main("--screenshot", str(tmp_path / "x.png"))
        assert result.returncode == 3
        assert "已经在使用这个数据文件夹" in result.stderr
        assert not paths.db_path(data_dir).exists()
    finally:
        holder.communicate("done\n", timeout=30)


def test_stale_lock_from_a_crashed_instance_does_not_block(tmp_path, data_dir):
    crashed = subprocess.run(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import os
                from PySide6.QtCore import QLockFile
                lock = QLockFile({str(data_dir / "csapp.lock")!r})
                assert lock.tryLock(0)
                os._exit(0)  # dies holding the lock, like a crash
                """
            ),
        ],
        cwd=ROOT,
        timeout=60,
    )
    assert crashed.returncode == 0
    assert (data_dir / "csapp.lock").exists()
    result = run_main("--screenshot", str(tmp_path / "x.png"))
    assert result.returncode == 0, result.stderr
