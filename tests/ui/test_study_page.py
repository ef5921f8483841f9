"""学习: read %, search with highlighted hits and next/prev, practice from the reader."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl

from csapp.core.practice import Mode

LEFT = Qt.MouseButton.LeftButton


def test_search_lists_hits_highlights_and_steps_through_them(qtbot, open_window):
    window = open_window()
    study = window.show_page("study")
    study.search_box.setFocus()
    qtbot.keyClicks(study.search_box, "PDCA")
    qtbot.keyClick(study.search_box, Qt.Key.Key_Return)
    assert study.left.currentIndex() == 1
    assert study.hits_model.rowCount() >= 2
    assert study._chapter is not None and study._chapter.no == study._hits[0].chapter_no
    assert len(study.reader.extraSelections()) == len(study._matches) > 0
    current = study._match
    cursor = study._matches[current]
    assert cursor.selectedText().upper() == "PDCA"
    chapter = study._chapter.no
    qtbot.keyClick(study, Qt.Key.Key_F3)
    if current + 1 < len(study._matches):
        assert (study._chapter.no, study._match) == (chapter, current + 1)
    else:
        assert study._chapter.no != chapter
    # Stepping on visits every chapter that has a hit.
    chapters_seen = {study._chapter.no}
    for _ in range(200):
        study.next_match()
        chapters_seen.add(study._chapter.no)
    assert chapters_seen == {h.chapter_no for h in study._hits}
    before = (study._chapter.no, study._match)
    study.next_match()
    study.prev_match()
    assert (study._chapter.no, study._match) == before
    assert study.find_bar.isVisible() and "PDCA" in study.find_label.text()
    qtbot.keyClick(study.search_box, Qt.Key.Key_Escape)
    assert study.left.currentIndex() == 0 and study.reader.extraSelections() == []


def test_clicking_a_hit_opens_its_section(qtbot, open_window):
    window = open_window()
    study = window.show_page("study")
    hits = study.search("服务质量的五个维度")
    row = next(i for i, h in enumerate(hits) if h.anchor == "4.1.2")
    study.hits_view.scrollTo(study.hits_model.index(row, 0))
    rect = study.hits_view.visualRect(study.hits_model.index(row, 0))
    qtbot.mouseClick(study.hits_view.viewport(), LEFT, pos=rect.center())
    assert study._chapter.no == 4 and study.toc.currentData() == "4.1.2"
    selected = study._matches[study._match]
    assert selected.selectedText() == "服务质量的五个维度"


def test_short_queries_still_find_and_highlight(qtbot, open_window):
    window = open_window()
    study = window.show_page("study")
    hits = study.search("投诉")
    assert hits and all(h.count > 0 for h in hits)
    study.open_hit(0)
    assert study._matches and study._match >= 0
    assert study.search("没有这样的词语") == []
    assert "没有找到" in study.results_label.text()
    assert not study.find_bar.isVisible()  # no match anywhere: nothing to step through


def test_practise_this_chapter_and_this_section(qtbot, open_window):
    window = open_window()
    study = window.show_page("study")
    study.open_chapter(4, "4.1")
    qtbot.mouseClick(study.practice_button, LEFT)
    assert window.current_page_key() == "practice"
    practice_page = window.page("practice")
    assert practice_page.session.mode == Mode.CHAPTER
    assert practice_page.session.spec.chapters == (4,)

    window.show_page("study")
    text = study.reader.toPlainText()
    assert "练习本节" in text
    study.reader.anchorClicked.emit(QUrl("practice:4.1.2"))
    session = practice_page.session
    assert session.mode == Mode.SECTION and "4.1.2" in session.title
    points = {practice_page._item(q).knowledge_point for q in session.ids}
    assert points == {"4.1.2 服务质量的五个维度"}
    # A parent section takes its sub-sections' questions too.
    window.show_page("study")
    study.reader.anchorClicked.emit(QUrl("practice:4.1"))
    points = {practice_page._item(q).knowledge_point for q in practice_page.session.ids}
    assert {p.split(" ")[0] for p in points} <= {"4.1", "4.1.1", "4.1.2"}
    assert len(points) >= 2


def test_reading_percentage_is_shown_and_kept(qtbot, open_window):
    window = open_window()
    study = window.show_page("study")
    study.open_chapter(2)
    bar = study.reader.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    study.save_state()
    assert study.read_label.text().startswith("已读 ")
    percent = int(study.read_label.text().removeprefix("已读 ").removesuffix("%"))
    assert 40 <= percent <= 60
    assert f"已读 {percent}%" in study.model.item(1).text()
    bar.setValue(bar.maximum())
    study.save_state()
    assert study.read_label.text() == "✓ 已读完"


def test_the_reader_opens_on_the_chapter_to_go_on_with(qtbot, open_window, data_dir):
    from csapp.core.library import open_library

    lib = open_library(data_dir, builtin=False)
    lib.save_reading(1, 0, 100.0)
    lib.close()
    window = open_window()
    study = window.show_page("study")
    assert study._chapter is not None and study._chapter.no == 2
    assert study.reader.toPlainText().strip() != ""
    assert study.list.currentIndex().row() == 1


def test_a_chapter_opened_and_left_at_once_reads_as_just_started(qtbot, open_window):
    window = open_window()
    study = window.show_page("study")
    study.open_chapter(3)
    study.reader.verticalScrollBar().setValue(0)
    study.save_state()
    assert study.read_label.text() == "刚开始读"
    assert "刚开始读" in study.model.item(2).text() and "未读" in study.model.item(3).text()
