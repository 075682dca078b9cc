"""A session: where content comes from, loaded once and reused for every build.

The command line makes one per run; a batch worker one per process; the web page
one per server, so the library, brands and fonts stay loaded between handouts.
Light to import: ``handouts --help`` creates none, and nothing here loads yaml,
pydantic or reportlab until a library or a builder is asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from handouts.build import Builder
    from handouts.content.library import Library
    from handouts.content.workspace import Workspace


class Session:
    """Content folders, workspace settings (``handouts.yaml``) and the loaded library.

    A plain class, not a dataclass: the decorator generates code when the module is
    imported, which every ``handouts --help`` would pay for.
    """

    def __init__(
        self,
        content_dirs: Sequence[Path] = (),
        include_builtin: bool = True,
        cwd: Path | None = None,
        config: Path | None = None,
    ) -> None:
        self.content_dirs = list(content_dirs)
        self.include_builtin = include_builtin
        self.config = config  # --config or HANDOUTS_CONFIG; None: search upward
        self._cwd = cwd
        self._workspace: Workspace | None = None
        self._libraries: dict[tuple[tuple[Path, ...], bool], Library] = {}
        self._builders: dict[tuple[tuple[Path, ...], bool], Builder] = {}

    @property
    def cwd(self) -> Path:
        """The working directory, where ``handouts.yaml`` is looked for."""
        if self._cwd is None:
            from pathlib import Path

            self._cwd = Path.cwd()
        return self._cwd

    def workspace(self) -> Workspace:
        """The settings of handouts.yaml (empty if there is none); see ``content.discover``."""
        if self._workspace is None:
            from handouts.content.discover import find_workspace_file
            from handouts.content.workspace import load_workspace

            self._workspace = load_workspace(self.cwd, find_workspace_file(self.cwd, self.config))
        return self._workspace

    @property
    def workspace_dir(self) -> Path:
        """The folder of handouts.yaml, or the working directory when there is none."""
        file = self.workspace().file
        return file.parent if file else self.cwd

    def content_folders(self, extra: Sequence[Path] = ()) -> list[Path]:
        """Clinic folders in load order: handouts.yaml, then ``content_dirs``, then ``extra``."""
        return [*self.workspace().content, *self.content_dirs, *extra]

    def library(self, extra: Sequence[Path] = (), lenient: bool = False) -> Library:
        """The loaded library (cached); raises ``ContentError`` listing every problem.

        ``lenient``: the items without problems, and the problems in ``Library.problems``.
        """
        key = (tuple(self.content_folders(extra)), lenient)
        if key not in self._libraries:
            from handouts.content.loader import load_library

            self._libraries[key] = load_library(
                key[0], include_builtin=self.include_builtin, lenient=lenient
            )
        return self._libraries[key]

    def builder(self, lenient: bool = False, extra: Sequence[Path] = ()) -> Builder:
        """A Builder over the library, with the clinic's fonts/ and templates/ (cached).

        ``extra``: content folders beyond the session's own (``check --content``).
        The Builder keeps brands, fonts and themes loaded, so later builds are fast.
        """
        key = (tuple(self.content_folders(extra)), lenient)
        if key not in self._builders:
            from handouts.build import Builder

            # templates/ beside handouts.yaml or a content folder, or inside the content folder
            roots = [*self._roots(extra), *(f.resolve() for f in self.content_folders(extra))]
            folders = dict.fromkeys(root / "templates" for root in roots)
            self._builders[key] = Builder(
                self.library(extra, lenient=lenient),
                font_dirs=self.font_dirs(extra),
                template_dirs=[folder for folder in folders if folder.is_dir()],
            )
        return self._builders[key]

    def font_dirs(self, extra: Sequence[Path] = ()) -> list[Path]:
        """Where a brand's font family is looked for: fonts/ next to the workspace and content."""
        folders = [root / "fonts" for root in self._roots(extra)]
        folders += [folder.resolve() / "fonts" for folder in self.content_folders(extra)]
        return list(dict.fromkeys(folders))

    def _roots(self, extra: Sequence[Path] = ()) -> list[Path]:
        """The working directory, handouts.yaml's folder and each content folder's parent."""
        roots = [self.workspace_dir, self.cwd, *(f.parent for f in self.content_folders(extra))]
        return list(dict.fromkeys(root.resolve() for root in roots))
