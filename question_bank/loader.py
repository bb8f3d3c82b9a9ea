"""Finding and loading banks: the bundled courses shipped with tenta plus the ones a user imported.

Id clashes are resolved by version so a course can be updated without touching the install:
- bundled banks live in question_bank/bundled/<folder>/bank.yaml (course notes in <folder>/notes/);
- user banks are user_dir/*.yaml|*.yml|*.json, or user_dir/<folder>/bank.yaml with optional notes/;
- an id present in several places resolves to the highest version; on a tie the bundled bank wins;
- `install` refuses a bank whose id is a bundled bank's unless its version is newer, and refuses to
  overwrite an earlier user copy of the same id unless asked to replace it (a teacher's edits to an
  imported bank are never lost to a re-import by accident);
- a bank's pictures and sound (`Question.media`) live in its media folder: <name>.media/ beside a flat
  bank file, <folder>/media/ beside <folder>/bank.yaml. `install` writes them together with the bank.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from question_bank.errors import InputFileError, InputFileErrors, TentaError
from question_bank.formats.media_files import bank_media_names, media_folder
from question_bank.formats.yaml_json import dump_yaml, read_native
from question_bank.models import Bank

BUNDLED_DIR = Path(__file__).resolve().parent / "bundled"
NATIVE_SUFFIXES = (".yaml", ".yml", ".json")


def load_bank_file(path: Path | str) -> Bank:
    """A bank in the native YAML/JSON format; every problem is an InputFileError with line and field."""
    return read_native(Path(path))


def version_key(version: str) -> tuple[tuple[int, str], ...]:
    """Orders '1' < '1.2' < '2' < '10'; non-numeric parts compare as text after numbers."""
    return tuple(
        (int(part), "") if part.isdigit() else (-1, part) for part in re.findall(r"\d+|[A-Za-z]+", version)
    )


class BankSummary(BaseModel):
    """What `tenta bank list` shows without holding every question in memory twice."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    version: str
    languages: tuple[str, ...]
    question_count: int
    bundled: bool
    path: Path


@dataclass(frozen=True)
class _Entry:
    bank: Bank
    path: Path
    bundled: bool


class BankCatalog:
    """Every bank available to this user, loaded lazily and resolved by id."""

    def __init__(self, user_dir: Path | None, *, bundled_dir: Path = BUNDLED_DIR) -> None:
        self.user_dir = user_dir
        self.bundled_dir = bundled_dir
        self._entries: dict[str, _Entry] | None = None
        self._problems: list[InputFileError] = []

    def _bundled_files(self) -> list[Path]:
        if not self.bundled_dir.is_dir():
            return []
        return sorted(path for path in self.bundled_dir.glob("*/bank.*") if path.suffix in NATIVE_SUFFIXES)

    def _user_files(self) -> list[Path]:
        if self.user_dir is None or not self.user_dir.is_dir():
            return []
        flat = [path for path in self.user_dir.iterdir() if path.is_file() and path.suffix in NATIVE_SUFFIXES]
        nested = [
            path
            for path in self.user_dir.glob("*/bank.*")
            if path.suffix in NATIVE_SUFFIXES
            and not path.parent.name.startswith(".")
            and path.parent.suffix != ".media"
        ]  # a media file named bank.yaml, or an install being staged, is not a bank
        return sorted(flat) + sorted(nested)

    def _scan(self) -> dict[str, _Entry]:
        if self._entries is not None:
            return self._entries
        entries: dict[str, _Entry] = {}
        self._problems = []
        sources = [(path, True) for path in self._bundled_files()] + [
            (path, False) for path in self._user_files()
        ]
        for path, bundled in sources:
            try:
                bank = load_bank_file(path)
            except InputFileErrors as errors:
                self._problems.extend(errors.errors)
                continue
            except InputFileError as error:
                self._problems.append(error)
                continue
            current = entries.get(bank.id)
            if current is None or version_key(bank.version) > version_key(current.bank.version):
                entries[bank.id] = _Entry(bank, path, bundled)
        self._entries = entries
        return entries

    def refresh(self) -> None:
        """Forget what was loaded (after files changed on disk)."""
        self._entries = None

    def problems(self) -> list[InputFileError]:
        """Bank files that could not be loaded; they are left out of the catalog rather than breaking it."""
        self._scan()
        return list(self._problems)

    def bank_ids(self) -> list[str]:
        return sorted(self._scan())

    def load(self, bank_id: str) -> Bank:
        entry = self._scan().get(bank_id)
        if entry is None:
            known = ", ".join(self.bank_ids()) or "none"
            raise TentaError(f"no bank with id {bank_id!r} (available: {known})")
        return entry.bank

    def path_of(self, bank_id: str) -> Path:
        self.load(bank_id)
        return self._scan()[bank_id].path

    def is_bundled(self, bank_id: str) -> bool:
        self.load(bank_id)
        return self._scan()[bank_id].bundled

    def notes_dir(self, bank_id: str) -> Path | None:
        """The course notes folder next to a bank stored as <folder>/bank.yaml, if it has one."""
        path = self.path_of(bank_id)
        if path.name.startswith("bank."):
            notes = path.parent / "notes"
            if notes.is_dir():
                return notes
        return None

    def media_dir(self, bank_id: str) -> Path:
        """The folder holding a bank's pictures and sound (it may not exist)."""
        return media_folder(self.path_of(bank_id))

    def media_files(self, bank_id: str) -> dict[str, Path]:
        """The bank's media files that are in its media folder, by name, in question order. Only names a
        question lists are looked up, which the model keeps free of folders and '..'."""
        folder = self.media_dir(bank_id)
        names = bank_media_names(self.load(bank_id))
        return {name: folder / name for name in names if (folder / name).is_file()}

    def summaries(self) -> list[BankSummary]:
        return [
            BankSummary(
                id=entry.bank.id,
                title=entry.bank.title,
                version=entry.bank.version,
                languages=entry.bank.languages,
                question_count=len(entry.bank.questions),
                bundled=entry.bundled,
                path=entry.path,
            )
            for _, entry in sorted(self._scan().items())
        ]

    def _bundled_version(self, bank_id: str) -> str | None:
        for path in self._bundled_files():
            try:
                bank = load_bank_file(path)
            except TentaError:
                continue
            if bank.id == bank_id:
                return bank.version
        return None

    def install_target(self, bank: Bank, *, replace: bool = False) -> Path:
        """The file `install` would write `bank` to, or the TentaError it would refuse it with (a bundled
        bank's id, an imported one without `replace`): `tenta bank import --dry-run` asks this so it never
        reports an import that the real one refuses. Writes nothing."""
        if self.user_dir is None:
            raise TentaError("no user bank folder is configured")
        bundled_version = self._bundled_version(bank.id)
        if bundled_version is not None and version_key(bank.version) <= version_key(bundled_version):
            raise TentaError(
                f"bank id {bank.id!r} belongs to a bundled bank (version {bundled_version}); "
                "import it under another id (--id) or give it a newer version"
            )
        existing = self._scan().get(bank.id)
        if existing and not existing.bundled and not replace:
            raise TentaError(
                f"bank id {bank.id!r} is already imported ({existing.path}); "
                "pass --replace to overwrite it or --id to import it beside it"
            )
        target = existing.path if existing and not existing.bundled else self.user_dir / f"{bank.id}.yaml"
        return target.with_suffix(".yaml") if target.suffix == ".json" else target

    def install(self, bank: Bank, *, replace: bool = False, media: Mapping[str, bytes] | None = None) -> Path:
        """Write `bank` into user_dir as YAML atomically (a crash leaves the old file or none, never half).

        An existing user bank with the same id is overwritten only with `replace`. With `media` (the
        bytes of every name the questions list) the bank's media folder becomes exactly those files,
        staged beside it first so a failure leaves the previous bank and media as they were; without it
        the media folder is left alone.
        """
        target = self.install_target(bank, replace=replace)
        existing = self._scan().get(bank.id)
        target.parent.mkdir(parents=True, exist_ok=True)
        staged_media = _stage_media(bank, media, target.parent) if media is not None else None
        media_dir = media_folder(target)
        retired = (
            target.parent / f".{media_dir.name}.old" if media is not None and media_dir.exists() else None
        )
        placed = False
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{bank.id}.", suffix=".tmp")
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(dump_yaml(bank))
                handle.flush()
                os.fsync(handle.fileno())
            if retired is not None:
                shutil.rmtree(retired, ignore_errors=True)
                media_dir.rename(retired)
            if staged_media is not None:
                staged_media.rename(media_dir)
                placed = True
            Path(temporary).replace(target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            if staged_media is not None:
                shutil.rmtree(media_dir if placed else staged_media, ignore_errors=True)
            if retired is not None and retired.exists():
                retired.rename(media_dir)
            raise
        if retired is not None:
            shutil.rmtree(retired, ignore_errors=True)
        if existing and not existing.bundled and existing.path != target:
            existing.path.unlink(missing_ok=True)
        self.refresh()
        return target


def _stage_media(bank: Bank, media: Mapping[str, bytes], folder: Path) -> Path | None:
    """The bank's media written into a hidden folder in `folder`, ready to be renamed into place;
    None when the bank has none. Every name a question lists must be in `media`."""
    names = bank_media_names(bank)
    missing = [name for name in names if name not in media]
    if missing:
        raise TentaError(f"bank {bank.id!r}: no content given for media {missing[0]!r}")
    if not names:
        return None
    staged = Path(tempfile.mkdtemp(dir=folder, prefix=f".{bank.id}.media.", suffix=".tmp"))
    try:
        for name in names:
            _write_media_file(staged / name, media[name])
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return staged


def _write_media_file(path: Path, content: bytes) -> None:
    with path.open("xb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
