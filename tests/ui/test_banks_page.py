"""题库管理 driven as a trainer would: the import wizard end to end, rename, delete, correct."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox
from sqlalchemy import func, select

from csapp.core import banks
from csapp.core.models import AnswerRecord, Question
from tests.bank_files import GOOD_ROWS, bank_with_error, good_bank


def _page(open_window):
    window = open_window()
    return window, window.show_page("banks")


def _questions(ctx) -> int:
    with ctx.library.session() as s:
        return s.execute(select(func.count()).select_from(Question)).scalar()


def _open_file(monkeypatch, path) -> None:
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), ""))
    )


def _save_to(monkeypatch, path) -> None:
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(path), ""))
    )


def _read(qtbot, page, monkeypatch, path):
    """导入题库 → 选择文件 → the preview."""
    _open_file(monkeypatch, path)
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    wizard = page.wizard
    assert wizard.isVisible()
    qtbot.mouseClick(wizard.file_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.stack.currentWidget() is wizard.preview_page, timeout=20_000)
    return wizard


def test_the_wizard_imports_a_trainers_workbook_end_to_end(
    qtbot, open_window, monkeypatch, tmp_path
):
    window, page = _page(open_window)
    ctx = window.ctx
    before = _questions(ctx)
    wizard = _read(qtbot, page, monkeypatch, bank_with_error(tmp_path / "培训题.xlsx"))

    # The preview: every row read, the wrong one and the doubtful one highlighted.
    model = wizard.preview_model
    rows = [model.row_object(i) for i in range(model.rowCount())]
    assert [(r.row, r.qtype, r.status) for r in rows] == [
        (2, "单选题", ""),
        (3, "多选题", ""),
        (4, "判断题", ""),
        (5, "填空题", ""),
        (6, "简答题", ""),
        (7, "单选题", "error"),
        (8, "判断题", "warning"),
    ]
    assert rows[0].options.startswith("A. 实际值") and rows[0].answer == "B"
    background = Qt.ItemDataRole.BackgroundRole
    assert model.data(model.index(0, 2), background) is None
    error_tint = model.data(model.index(5, 2), background)
    warning_tint = model.data(model.index(6, 2), background)
    assert error_tint is not None and warning_tint is not None and error_tint != warning_tint
    assert "答案“E”没有对应的选项" in model.data(model.index(5, 5))
    assert "<b>1</b> 行有错误，不会导入" in wizard.preview_summary.text()
    assert "答案“E”没有对应的选项" in wizard.preview_detail.text()  # the first problem shown

    # 只看有问题的行
    assert wizard.preview_proxy.rowCount() == 7
    qtbot.mouseClick(wizard.only_problems, Qt.MouseButton.LeftButton)
    assert wizard.preview_proxy.rowCount() == 2
    qtbot.mouseClick(wizard.only_problems, Qt.MouseButton.LeftButton)
    assert wizard.preview_proxy.rowCount() == 7

    # Bank name (from the file) and mode.
    qtbot.mouseClick(wizard.preview_next, Qt.MouseButton.LeftButton)
    assert wizard.stack.currentWidget() is wizard.settings_page
    assert wizard.bank_combo.currentText() == "培训题"
    assert "将新建题库" in wizard.name_hint.text()
    assert wizard.mode_valid.isChecked()
    assert _questions(ctx) == before  # nothing written yet

    qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.stack.currentWidget() is wizard.done_page, timeout=20_000)
    assert wizard.figures["added"].text() == "6"
    assert wizard.figures["errors"].text() == "1"
    assert _questions(ctx) == before + 6
    bank = page.current_bank()
    assert bank.name == "培训题" and bank.questions == 6  # the page shows the new bank

    # 导出问题行: the rows to fix, with the reason, ready to import again.
    out = tmp_path / "要改的行.xlsx"
    _save_to(monkeypatch, out)
    qtbot.mouseClick(wizard.export_problems_button, Qt.MouseButton.LeftButton)
    assert not wizard.export_problems_button.isEnabled()  # written on a worker
    qtbot.waitUntil(lambda: wizard.export_problems_button.isEnabled(), timeout=20_000)
    assert wizard.problems_saved.text() == f"已保存到 {out}"
    from openpyxl import load_workbook

    ws = load_workbook(out).worksheets[0]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert "问题说明" in values[0]
    assert values[1][0] == 7 and "客户忠诚的最高层次是（ ）。" in values[1]
    assert "答案“E”没有对应的选项" in values[1][-1]

    qtbot.mouseClick(wizard.finish_button, Qt.MouseButton.LeftButton)
    assert not wizard.isVisible()


def test_problem_rows_that_cannot_be_written_say_so_in_one_sentence(
    qtbot, open_window, monkeypatch, tmp_path
):
    _window, page = _page(open_window)
    wizard = _read(qtbot, page, monkeypatch, bank_with_error(tmp_path / "培训题.xlsx"))
    qtbot.mouseClick(wizard.preview_next, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.stack.currentWidget() is wizard.done_page, timeout=20_000)
    out = tmp_path / "没有这个文件夹" / "要改的行.xlsx"
    _save_to(monkeypatch, out)
    qtbot.mouseClick(wizard.export_problems_button, Qt.MouseButton.LeftButton)
    assert not wizard.again_button.isEnabled()
    qtbot.waitUntil(lambda: wizard.export_problems_button.isEnabled(), timeout=20_000)
    assert wizard.problems_saved.text() == f"无法写入“{out}”：路径不存在。"
    assert wizard.again_button.isEnabled() and not wizard.is_busy()
    assert not out.parent.exists()


def test_importing_the_same_file_again_updates_the_bank(qtbot, open_window, monkeypatch, tmp_path):
    window, page = _page(open_window)
    path = good_bank(tmp_path / "题库.xlsx")
    banks.import_file(window.ctx.library.engine, path)
    wizard = _read(qtbot, page, monkeypatch, path)
    qtbot.mouseClick(wizard.preview_next, Qt.MouseButton.LeftButton)
    assert "已经存在" in wizard.name_hint.text()
    qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.stack.currentWidget() is wizard.done_page, timeout=20_000)
    assert wizard.figures["unchanged"].text() == str(len(GOOD_ROWS))
    assert wizard.figures["added"].text() == "0"
    assert not wizard.problems_frame.isVisibleTo(wizard)


def test_all_or_nothing_with_an_error_writes_nothing(qtbot, open_window, monkeypatch, tmp_path):
    window, page = _page(open_window)
    before = _questions(window.ctx)
    wizard = _read(qtbot, page, monkeypatch, bank_with_error(tmp_path / "b.xlsx"))
    qtbot.mouseClick(wizard.preview_next, Qt.MouseButton.LeftButton)
    wizard.mode_all.click()
    qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.stack.currentWidget() is wizard.done_page, timeout=20_000)
    assert wizard.done_title.text() == "没有导入"
    assert "没有导入任何题目" in wizard.done_summary.text()
    assert _questions(window.ctx) == before
    assert banks.bank_id(window.ctx.library.engine, "b") is None


def test_cancelling_the_import_leaves_the_database_as_it_was(
    qtbot, open_window, monkeypatch, tmp_path
):
    window, page = _page(open_window)
    before = _questions(window.ctx)
    real = banks.iter_import_result
    reached, release = threading.Event(), threading.Event()

    def held(*args, **kwargs):
        """The real import, held after its first step (the bank row is already written)."""
        gen = real(*args, **kwargs)
        try:
            yield next(gen)
            reached.set()
            release.wait(10)
            yield from gen
        finally:
            gen.close()

    monkeypatch.setattr(banks, "iter_import_result", held)
    wizard = _read(qtbot, page, monkeypatch, bank_with_error(tmp_path / "b.xlsx"))
    qtbot.mouseClick(wizard.preview_next, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
    assert wizard.stack.currentWidget() is wizard.busy_page
    qtbot.waitUntil(reached.is_set, timeout=20_000)
    qtbot.mouseClick(wizard.cancel_button, Qt.MouseButton.LeftButton)
    release.set()
    qtbot.waitUntil(lambda: wizard.stack.currentWidget() is wizard.settings_page, timeout=20_000)
    assert "已取消导入，资料库保持原样" in wizard.settings_error.text()
    assert _questions(window.ctx) == before
    assert banks.bank_id(window.ctx.library.engine, "b") is None
    assert [b.name for b in window.ctx.library.summary().banks] == ["客户服务管理"]


def test_a_file_that_cannot_be_read_says_why(qtbot, open_window, monkeypatch, tmp_path):
    _window, page = _page(open_window)
    bad = tmp_path / "题库.xlsx"
    bad.write_bytes(b"PK\x03\x04 this is not a workbook")
    _open_file(monkeypatch, bad)
    page.import_button.click()
    wizard = page.wizard
    wizard.file_button.click()
    qtbot.waitUntil(lambda: wizard.source_error.isVisibleTo(wizard), timeout=20_000)
    assert wizard.stack.currentWidget() is wizard.source_page
    assert wizard.source_error.text().endswith("。")


def test_pasted_text_is_previewed_and_imported(qtbot, open_window):
    window, page = _page(open_window)
    qtbot.mouseClick(page.paste_button, Qt.MouseButton.LeftButton)
    wizard = page.wizard
    assert not wizard.paste_button.isEnabled()
    wizard.paste_edit.setPlainText(
        "一、单选题\n1. 客户满意度等于可感知效果减去（ ）。\n"
        "A. 实际值 B. 期望值 C. 心理反差 D. 失落感\n答案：B\n"
        "二、判断题\n2. 客户服务只发生在售后。\n答案：错\n"
    )
    qtbot.mouseClick(wizard.paste_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.stack.currentWidget() is wizard.preview_page, timeout=20_000)
    assert wizard.preview_model.rowCount() == 2
    qtbot.mouseClick(wizard.preview_next, Qt.MouseButton.LeftButton)
    wizard.bank_combo.setEditText("第一次培训")
    qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.stack.currentWidget() is wizard.done_page, timeout=20_000)
    bid = banks.bank_id(window.ctx.library.engine, "第一次培训")
    rows = banks.question_rows(
        window.ctx.library.engine, banks.question_ids(window.ctx.library.engine, bid)
    )
    assert [(r.qtype, r.answer) for r in rows] == [("单选题", "B"), ("判断题", "错误")]


def test_the_built_in_bank_name_is_refused_in_the_wizard(qtbot, open_window, monkeypatch, tmp_path):
    _window, page = _page(open_window)
    wizard = _read(qtbot, page, monkeypatch, good_bank(tmp_path / "g.xlsx"))
    qtbot.mouseClick(wizard.preview_next, Qt.MouseButton.LeftButton)
    wizard.bank_combo.setEditText("客户服务管理")
    assert not wizard.import_button.isEnabled()
    assert "内置题库" in wizard.name_hint.text()


def test_template_is_saved_where_the_trainer_chooses(qtbot, open_window, monkeypatch, tmp_path):
    _window, page = _page(open_window)
    out = tmp_path / "模板"
    _save_to(monkeypatch, out)
    qtbot.mouseClick(page.template_button, Qt.MouseButton.LeftButton)
    saved = tmp_path / "模板.xlsx"
    qtbot.waitUntil(lambda: page.task is None, timeout=20_000)  # written on a worker
    assert saved.exists()
    assert str(saved) in page.status.text()


# ---------------------------------------------------------------------------- bank actions


def _import(window, tmp_path, name="甲", maker=good_bank) -> int:
    done = banks.import_file(window.ctx.library.engine, maker(tmp_path / f"{name}.xlsx"), name)
    window.ctx.notify_changed()
    return done.outcome.bank_id


def test_rename_a_bank(qtbot, open_window, monkeypatch, tmp_path):
    window, page = _page(open_window)
    bid = _import(window, tmp_path)
    page.select_bank(bid)
    assert page.rename_button.isEnabled()

    def answer(dialog):
        dialog.setTextValue("第二期培训")
        return 1

    monkeypatch.setattr(QInputDialog, "exec", answer)
    qtbot.mouseClick(page.rename_button, Qt.MouseButton.LeftButton)
    assert banks.bank_id(window.ctx.library.engine, "第二期培训") == bid
    assert page.current_bank().name == "第二期培训"
    assert page.model.row_object(page.table.currentIndex().row()).name == "第二期培训"


def test_the_built_in_bank_cannot_be_renamed_or_deleted(qtbot, open_window):
    _window, page = _page(open_window)
    assert page.current_bank().builtin
    assert not page.rename_button.isEnabled() and not page.delete_button.isEnabled()
    assert page.export_button.isEnabled()


def _confirm(monkeypatch, answers: list[bool]) -> list[str]:
    """QMessageBox answered from ``answers`` in turn; returns what each box said."""
    asked: list[str] = []

    def fake_exec(box):
        asked.append(f"{box.text()}\n{box.informativeText()}")
        role = QMessageBox.ButtonRole.DestructiveRole if answers.pop(0) else None
        for b in box.buttons():
            if (box.buttonRole(b) == role) or (role is None and b is box.escapeButton()):
                b.click()
                break
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    return asked


def test_deleting_a_bank_with_history_asks_twice(qtbot, open_window, monkeypatch, tmp_path):
    window, page = _page(open_window)
    bid = _import(window, tmp_path, "有记录")
    qid = banks.question_ids(window.ctx.library.engine, bid)[0]
    with window.ctx.library.session() as s, s.begin():
        s.add(AnswerRecord(question_id=qid, response="A", correct=False))
    page.select_bank(bid)

    asked = _confirm(monkeypatch, [True, False])  # yes, then keep it after all
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 2
    assert "删除题库“有记录”" in asked[0] and f"{len(GOOD_ROWS)} 道题" in asked[0]
    assert "学习记录" in asked[1] and "作答记录 1 条" in asked[1]
    assert banks.bank_id(window.ctx.library.engine, "有记录") == bid

    asked = _confirm(monkeypatch, [True, True])
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.task is None, timeout=20_000)
    assert len(asked) == 2
    assert banks.bank_id(window.ctx.library.engine, "有记录") is None
    with window.ctx.library.session() as s:
        assert s.execute(select(func.count()).select_from(AnswerRecord)).scalar() == 0
    assert "已删除" in page.status.text()
    assert [page.model.row_object(r).name for r in range(page.model.rowCount())] == ["客户服务管理"]


def test_deleting_a_bank_without_history_asks_once(qtbot, open_window, monkeypatch, tmp_path):
    window, page = _page(open_window)
    bid = _import(window, tmp_path, "新题库")
    page.select_bank(bid)
    asked = _confirm(monkeypatch, [True])
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.task is None, timeout=20_000)
    assert len(asked) == 1
    assert banks.bank_id(window.ctx.library.engine, "新题库") is None


def test_export_a_bank_from_the_page(qtbot, open_window, monkeypatch, tmp_path):
    window, page = _page(open_window)
    page.select_bank(_import(window, tmp_path))
    out = tmp_path / "导出.xlsx"
    _save_to(monkeypatch, out)
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.task is None, timeout=20_000)
    assert f"{len(GOOD_ROWS)} 道题导出到" in page.status.text()
    from csapp.core.bankio import read_bank

    assert read_bank(out).report.questions == len(GOOD_ROWS)


# ---------------------------------------------------------------------------- browse, correct


def test_browse_with_search_and_filters(qtbot, open_window, tmp_path):
    window, page = _page(open_window)
    page.select_bank(_import(window, tmp_path, maker=bank_with_error))
    assert page.questions_model.rowCount() == 6
    assert "共 6 道" in page.count_label.text()
    page.search.setFocus()
    page.search.insert("满意度")  # typed (keyClicks cannot type Chinese offscreen)
    qtbot.waitUntil(lambda: page.questions_model.rowCount() == 2)
    assert "找到 2 道" in page.count_label.text()
    page.type_filter.setCurrentIndex(page.type_filter.findData("简答题"))
    assert page.questions_model.rowCount() == 1
    index = page.questions_model.index(0, 2)
    assert page.questions_model.data(index) == GOOD_ROWS[4][1]
    page.search.clear()
    page.type_filter.setCurrentIndex(0)
    page.chapter_filter.setCurrentIndex(page.chapter_filter.findData("第3章 客户忠诚"))
    qtbot.waitUntil(lambda: page.questions_model.rowCount() == 1)
    page.search.insert("没有这样的题")
    qtbot.waitUntil(lambda: page.no_questions.isVisibleTo(page))
    assert "没有符合条件的题目" in page.no_questions.text()


def test_correct_an_answer_in_place_keeps_the_history(qtbot, open_window, tmp_path):
    window, page = _page(open_window)
    bid = _import(window, tmp_path)
    page.select_bank(bid)
    qid = page.questions_model.question_id(0)
    with window.ctx.library.session() as s, s.begin():
        s.add(AnswerRecord(question_id=qid, response="B", correct=True))

    def fix() -> None:
        dialog = page.correct_dialog
        assert dialog.choice_buttons["B"].isChecked()
        qtbot.mouseClick(dialog.choice_buttons["C"], Qt.MouseButton.LeftButton)
        dialog.explanation_edit.setPlainText("可感知效果减去心理反差（更正）。")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, fix)
    rect = page.questions.visualRect(page.questions_model.index(0, 2))
    qtbot.mouseClick(page.questions.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.questions.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    detail = banks.question_detail(window.ctx.library.engine, qid)
    assert (detail.answer, detail.explanation) == ("C", "可感知效果减去心理反差（更正）。")
    with window.ctx.library.session() as s:
        assert s.execute(select(func.count()).select_from(AnswerRecord)).scalar() == 1
    assert page.questions_model.data(page.questions_model.index(0, 3)) == "C"
    assert "已保存更正" in page.status.text()


@pytest.mark.parametrize(("typed", "message"), [(" ", "填空题必须有答案"), ("期望&&预期", None)])
def test_a_fill_in_key_is_validated_in_the_dialog(qtbot, open_window, tmp_path, typed, message):
    from csapp.ui.dialogs.correct_question import CorrectQuestionDialog

    window, page = _page(open_window)
    bid = _import(window, tmp_path)
    engine = window.ctx.library.engine
    (qid,) = banks.question_ids(engine, bid, banks.QuestionFilter(qtype="填空题"))
    dialog = CorrectQuestionDialog(engine, banks.question_detail(engine, qid), page)
    qtbot.addWidget(dialog)
    assert dialog.answer_edit.text() == "期望值"
    dialog.answer_edit.setText(typed)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    if message:
        assert message in dialog.error.text() and dialog.error.isVisibleTo(dialog)
        assert banks.question_detail(engine, qid).answer == "期望值"
    else:
        assert dialog.result() == dialog.DialogCode.Accepted
        assert banks.question_detail(engine, qid).answer == "期望&&预期"
