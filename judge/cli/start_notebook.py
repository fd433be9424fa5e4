"""``judge start ID --notebook``: a notebook to solve a problem in: the statement, the starter under ``%%judge``,
the statement's examples to try, and a submit cell."""

from __future__ import annotations

from pathlib import Path

from judge.authoring.examples import parse_examples
from judge.cli.hints import without_hints
from judge.engine.problems import Problem


def starter_notebook(problem: Problem, notebook_name: str) -> object:
    """The notebook (nbformat v4) for ``problem``, saved as ``notebook_name``."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    statement = problem.statement.read_text() if problem.statement.is_file() else f"# {problem.title}\n"
    starter = Path(problem.starter).read_text()
    cells = [
        new_markdown_cell(without_hints(statement).rstrip()),
        new_markdown_cell("Run the cell below once: it loads the judge's `%%judge` magic (`judge hint "
                          f"{problem.id}` in a terminal reveals a hint)."),
        new_code_cell("%load_ext judge"),
        new_markdown_cell(f"Write your solution in the next cell. Running it defines your functions here **and** "
                          f"runs the public tests on the cell's code (in a separate, isolated judge). Keep the "
                          f"whole solution, imports included, in this one cell; `%%judge submit {problem.id}` "
                          f"adds the hidden tests and records your score."),
        new_code_cell(f"%%judge test {problem.id}\n{starter.rstrip()}\n"),
    ]
    examples = parse_examples(statement)
    if examples:
        cells.append(new_markdown_cell("The statement's examples, to try once your cell runs (expected output in "
                                       "the comments; examples are never graded):"))
        for ex in examples:
            want = "\n".join(f"# {line}" for line in ex.want.splitlines())
            cells.append(new_code_cell(ex.source + (f"\n{want}" if want else "")))
    cells.append(new_markdown_cell("When the tests pass, **save the notebook** (the judge reads the file, not your "
                                   "kernel), then submit it: its code cells are graded, example and judge cells "
                                   f"are left out. (Or change the magic above to `%%judge submit {problem.id}`.)"))
    cells.append(new_code_cell(f"import judge\n\njudge.submit({problem.id!r}, {notebook_name!r})"))
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.validate(nb)
    return nb
