"""Issue 19, removal that cannot be redirected (container tier): after a worker, the keeper removes what its uid
left in the world-writable folders, as root. A second submission of the same student, running at the same time
under another leased uid, owns a world-writable folder holding one of the first uid's entries and swaps that
folder for a symbolic link to a victim's folder (another student's submission folder) between the sweep's listing
and its removal. With a path-based ``rm -rf`` root deleted the victim's folder (6 of 6 runs); the sweep must reach
every entry through descriptors and never follow the link. The swapper here runs as root in a thread (it stands for
the second uid; the kernel lets either rename a folder in a sticky world-writable folder that the renamer owns)."""

from __future__ import annotations

import os
import threading
import time

import pytest

from judge.sandbox import container

SWEPT_UID, OTHER_UID = 62997, 62998  # pool uids (62000 + slot) no lease of this test run holds
ROUNDS = 150

pytestmark = [pytest.mark.slow, pytest.mark.container_tier,
              pytest.mark.skipif(os.geteuid() != 0, reason="the container tier's sweep runs as root")]


def plant(shared, name: str) -> None:
    """The swept uid's entry in the other uid's world-writable folder: a folder with a file, as the attack leaves."""
    entry = shared / name
    entry.mkdir(exist_ok=True)
    (entry / "left.txt").write_text("x")
    for path in (entry, entry / "left.txt"):
        os.chown(path, SWEPT_UID, SWEPT_UID)


def test_a_folder_swapped_for_a_link_during_the_sweep_redirects_nothing(tmp_path):
    tmp = tmp_path / "tmp"  # stands for /tmp: root's, world-writable, sticky
    tmp.mkdir()
    os.chmod(tmp, 0o1777)
    victim = tmp_path / "class" / "victim"
    (victim / "sub").mkdir(parents=True)
    (victim / "sub" / "redteam.py").write_text("honest work")
    shared = tmp / "shared"  # the other uid's world-writable folder
    shared.mkdir()
    os.chown(shared, OTHER_UID, OTHER_UID)
    os.chmod(shared, 0o777)
    aside = tmp / "shared.aside"
    stop = threading.Event()

    def swap() -> None:  # the other uid: folder out, link to the victim's folder in, and back, each for a moment
        while not stop.is_set():
            try:
                os.rename(shared, aside)
                os.symlink(victim, shared)
                time.sleep(0.001)
                os.unlink(shared)
                os.rename(aside, shared)
                time.sleep(0.001)
            except OSError:
                pass

    swapper = threading.Thread(target=swap)
    swapper.start()
    try:
        for _ in range(ROUNDS):
            folder = shared if shared.is_dir() and not shared.is_symlink() else aside
            try:
                plant(folder, "sub")
            except OSError:
                continue
            container._remove_owned(str(tmp), SWEPT_UID)
            assert (victim / "sub" / "redteam.py").exists(), "the sweep followed a link into the victim's folder"
    finally:
        stop.set()
        swapper.join()
    assert (victim / "sub" / "redteam.py").read_text() == "honest work"


def test_the_sweep_still_removes_what_the_uid_left(tmp_path):
    """Without a race: the uid's entries go (a folder in the other uid's world-writable folder, a file, a link to
    the victim at the top), the victim's files, the other uid's folder and root's files stay."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    os.chmod(tmp, 0o1777)
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("keep")
    shared = tmp / "shared"
    shared.mkdir()
    os.chown(shared, OTHER_UID, OTHER_UID)
    os.chmod(shared, 0o777)
    plant(shared, "sub")
    (tmp / "file").write_text("x")
    os.chown(tmp / "file", SWEPT_UID, SWEPT_UID)
    os.symlink(victim, tmp / "link")
    os.chown(tmp / "link", SWEPT_UID, SWEPT_UID, follow_symlinks=False)
    (tmp / "roots").write_text("root's")
    container._remove_owned(str(tmp), SWEPT_UID)
    assert sorted(os.listdir(tmp)) == ["roots", "shared"]
    assert os.listdir(shared) == []
    assert (victim / "keep.txt").read_text() == "keep"
