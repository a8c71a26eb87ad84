"""Retention of the access log and the change history: past AUDIT_RETENTION_DAYS, rows go
to a signed archive file and only then leave the database.

The order is the point:
1. the hash chains are verified first, and a broken chain refuses the purge, so that a purge
   never erases the trace of tampering;
2. per chain, only a prefix in `seq` order goes (timestamps are nearly but not strictly
   monotonic in seq): up to the link before the first event at or after the cutoff;
3. those events (every column, the chain fields included) and the history rows of every
   registered HistorySource older than the cutoff are written to a gzip JSON Lines file, with
   a manifest that carries the file's SHA-256 and a signature (django.core.signing) over the
   manifest; the file is read back and checked (digest, signature, counts, and the hash links
   of the archived events) before anything is deleted;
4. the delete runs inside chain.purge_allowed(), the one path the triggers let through, in
   one transaction with the AccessLogPurge row whose anchors let chain.verify() start where
   the removed part ended. A count that differs from the archive rolls it all back.

The archive holds the change history's values (names, addresses, phones): it is written
with mode 0600 and belongs on storage kept like the database itself.
"""

from __future__ import annotations

import datetime as dt
import decimal
import gzip
import hashlib
import json
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.core import signing
from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from ..exceptions import DomainError
from ..models import AccessEvent, AccessLogPurge
from . import chain, registry
from .history import history_model

SALT = "accounts.audit.archive"
FORMAT = 1
EVENT_TABLE = AccessEvent._meta.db_table
_CHUNK = 5000


class RetentionRefused(DomainError):
    """The purge did not run (or was rolled back); nothing was removed."""


def default_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=settings.AUDIT_RETENTION_DAYS)


# --- What would go -------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainSpan:
    chain: int
    first: int  # seq of the first event removed
    last: int  # seq of the last event removed

    @property
    def count(self) -> int:
        return self.last - self.first + 1


@dataclass(frozen=True)
class HistoryPart:
    key: str
    label: str
    table: str
    count: int
    top: int | None  # the highest history_id removed: rows written later are not touched


@dataclass
class PurgePlan:
    cutoff: dt.datetime
    spans: list[ChainSpan] = field(default_factory=list)
    history: list[HistoryPart] = field(default_factory=list)

    @property
    def event_count(self) -> int:
        return sum(s.count for s in self.spans)

    @property
    def history_count(self) -> int:
        return sum(h.count for h in self.history)

    @property
    def empty(self) -> bool:
        return not self.event_count and not self.history_count


def purge_plan(*, cutoff: dt.datetime) -> PurgePlan:
    """What a purge at `cutoff` removes: per chain the prefix (anchor, s], s being the link
    before the chain's first event at or after the cutoff (or its last event if none is)."""
    anchors = chain._anchors()
    plan = PurgePlan(cutoff=cutoff)
    rows = (
        AccessEvent.objects.order_by()
        .values("chain")
        .annotate(first_new=Min("seq", filter=Q(occurred_at__gte=cutoff)), last=Max("seq"))
        .order_by("chain")
    )
    for row in rows:
        start = anchors.get(row["chain"], (0, ""))[0] + 1
        end = row["first_new"] - 1 if row["first_new"] is not None else row["last"]
        if end >= start:
            plan.spans.append(ChainSpan(chain=row["chain"], first=start, last=end))
    for source in registry.history_sources():
        history = history_model(source)
        agg = history.objects.filter(history_date__lt=cutoff).aggregate(
            n=Count("history_id"), top=Max("history_id")
        )
        if agg["n"]:
            plan.history.append(
                HistoryPart(
                    key=source.key,
                    label=source.label,
                    table=history._meta.db_table,
                    count=agg["n"],
                    top=agg["top"],
                )
            )
    return plan


# --- The archive ---------------------------------------------------------------------------


def _json_default(value: Any) -> Any:
    # Full precision: DjangoJSONEncoder cuts microseconds, and the chain hashes cover them.
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    raise TypeError(f"cannot archive {type(value).__name__}")


def _line(row: dict[str, Any]) -> bytes:
    text = json.dumps(row, ensure_ascii=False, separators=(",", ":"), default=_json_default)
    return text.encode() + b"\n"


def canonical(body: dict[str, Any]) -> str:
    """The manifest without its signature, as the one string the signature covers."""
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT)


def sign(body: dict[str, Any]) -> str:
    return _signer().signature(canonical(body))


def signature_ok(body: dict[str, Any], signature: str) -> bool:
    """The current key or a fallback (SECRET_KEY_FALLBACKS), as signing.unsign accepts."""
    signer = _signer()
    text = canonical(body)
    return any(
        constant_time_compare(signer.signature(text, key), signature)
        for key in [signer.key, *signer.fallback_keys]
    )


class _Digest:
    """A file object that hashes what passes through to the file."""

    def __init__(self, raw: BinaryIO):
        self.raw = raw
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.sha.update(data)
        self.size += len(data)
        return self.raw.write(data)

    def flush(self) -> None:
        self.raw.flush()


def _open_private(path: Path) -> BinaryIO:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return os.fdopen(fd, "wb")


@dataclass(frozen=True)
class Archive:
    path: Path
    manifest_path: Path
    sha256: str
    signature: str
    manifest: dict[str, Any]


def _history_columns(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def archive_write(plan: PurgePlan, directory: Path, *, now: dt.datetime | None = None) -> Archive:
    """Write the plan's rows and the signed manifest; return where and what was written."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    created = now or timezone.now()
    stem = f"audit-archive-{created.astimezone(dt.UTC):%Y%m%dT%H%M%S%fZ}"
    path = directory / f"{stem}.jsonl.gz"
    manifest_path = directory / f"{stem}.manifest.json"
    partial = path.with_name(path.name + ".partial")

    chains: dict[str, dict[str, Any]] = {}
    history: dict[str, dict[str, Any]] = {}
    with _open_private(partial) as raw:
        digest = _Digest(raw)
        # mtime=0: the same rows make the same bytes.
        with gzip.GzipFile(fileobj=digest, mode="wb", mtime=0) as out:  # type: ignore[arg-type]
            for span in plan.spans:
                written, last_hash = 0, ""
                rows = (
                    AccessEvent.objects.filter(
                        chain=span.chain, seq__gte=span.first, seq__lte=span.last
                    )
                    .order_by("seq")
                    .values_list(*chain.ROW)
                    .iterator(chunk_size=_CHUNK)
                )
                for row in rows:
                    out.write(
                        _line({"table": EVENT_TABLE, **dict(zip(chain.ROW, row, strict=True))})
                    )
                    written += 1
                    last_hash = row[-1]
                if written != span.count:
                    raise RetentionRefused(
                        f"系列{span.chain}の{span.first}番から{span.last}番のうち"
                        f"{written}件しか読めませんでした。削除していません。"
                    )
                chains[str(span.chain)] = {
                    "first": span.first,
                    "last": span.last,
                    "count": written,
                    "last_hash": last_hash,
                }
            for part in plan.history:
                model = history_model(registry.history_source(part.key))  # type: ignore[arg-type]
                columns = _history_columns(model)
                written = 0
                rows = (
                    model.objects.filter(history_date__lt=plan.cutoff, history_id__lte=part.top)
                    .order_by("history_id")
                    .values(*columns)
                    .iterator(chunk_size=_CHUNK)
                )
                for row in rows:
                    out.write(_line({"table": part.table, "source": part.key, **row}))
                    written += 1
                history[part.key] = {"table": part.table, "count": written, "top": part.top}
        raw.flush()
        os.fsync(raw.fileno())
    os.replace(partial, path)

    body = {
        "format": FORMAT,
        "kind": SALT,
        "created_at": created.isoformat(),
        "cutoff": plan.cutoff.isoformat(),
        "archive": path.name,
        "bytes": digest.size,
        "sha256": digest.sha.hexdigest(),
        "events": {"count": sum(c["count"] for c in chains.values()), "chains": chains},
        "history": history,
    }
    signature = sign(body)
    manifest = {**body, "signature": signature}
    manifest_partial = manifest_path.with_name(manifest_path.name + ".partial")
    with _open_private(manifest_partial) as raw:
        raw.write(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode())
        raw.flush()
        os.fsync(raw.fileno())
    os.replace(manifest_partial, manifest_path)
    return Archive(
        path=path,
        manifest_path=manifest_path,
        sha256=body["sha256"],
        signature=signature,
        manifest=manifest,
    )


# --- Checking an archive -------------------------------------------------------------------


@dataclass
class ArchiveCheck:
    manifest_path: Path
    problems: list[str] = field(default_factory=list)
    events: int = 0
    history: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _event_values(row: dict[str, Any]) -> tuple:
    values = []
    for name in chain.FIELDS:
        value = row.get(name)
        if name == "occurred_at" and value is not None:
            value = dt.datetime.fromisoformat(value)
        values.append(value)
    return tuple(values)


def archive_verify(manifest_path: Path | str) -> ArchiveCheck:
    """Check a manifest's signature, its file's size and SHA-256, the rows per table and
    chain, and that the archived events still form unbroken hash links."""
    manifest_path = Path(manifest_path)
    check = ArchiveCheck(manifest_path=manifest_path)
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        body = {k: v for k, v in manifest.items() if k != "signature"}
        signature = str(manifest["signature"])
        path = manifest_path.parent / Path(str(manifest["archive"])).name
    except (OSError, ValueError, KeyError, TypeError) as exc:
        check.problems.append(f"目録を読めません: {exc}")
        return check
    if not signature_ok(body, signature):
        check.problems.append("目録の署名が一致しません（目録の改変、または別の鍵で作成）")
    if not path.exists():
        check.problems.append(f"保存ファイル {path.name} がありません")
        return check
    sha, size = hashlib.sha256(), 0
    with path.open("rb") as raw:
        for block in iter(lambda: raw.read(1 << 20), b""):
            sha.update(block)
            size += len(block)
    if sha.hexdigest() != body.get("sha256") or size != body.get("bytes"):
        check.problems.append("保存ファイルのSHA-256が目録と一致しません（ファイルの改変）")
        return check
    try:
        _check_rows(path, body, check)
    except (OSError, EOFError, ValueError, KeyError, TypeError) as exc:
        check.problems.append(f"保存ファイルを読めません: {exc}")
    return check


def _check_rows(path: Path, body: dict[str, Any], check: ArchiveCheck) -> None:
    chains = body.get("events", {}).get("chains", {})
    history = body.get("history", {})
    seen_events: dict[str, int] = {}
    seen_history: dict[str, int] = {}
    last: dict[str, tuple[int, str]] = {}
    with gzip.open(path, "rb") as lines:
        for raw in lines:
            row = json.loads(raw)
            if row.get("table") != EVENT_TABLE:
                key = str(row.get("source"))
                seen_history[key] = seen_history.get(key, 0) + 1
                continue
            name = str(row["chain"])
            seen_events[name] = seen_events.get(name, 0) + 1
            seq = int(row["seq"])
            if name in last:
                prev_seq, prev_hash = last[name]
                if seq != prev_seq + 1 or row["prev_hash"] != prev_hash:
                    check.problems.append(f"系列{name}の{seq}番: 直前の記録とつながりません")
            if chain.link_hash(row["prev_hash"], _event_values(row)) != row["hash"]:
                check.problems.append(f"系列{name}の{seq}番: 内容がハッシュと一致しません")
            last[name] = (seq, row["hash"])
    for name, span in chains.items():
        if seen_events.get(name, 0) != span["count"]:
            check.problems.append(
                f"系列{name}: 閲覧記録が{seen_events.get(name, 0)}件（目録では{span['count']}件）"
            )
        elif name in last and last[name] != (span["last"], span["last_hash"]):
            check.problems.append(f"系列{name}: 最後の記録が目録と一致しません")
    for name in seen_events.keys() - chains.keys():
        check.problems.append(f"系列{name}: 目録にない閲覧記録があります")
    for key, part in history.items():
        if seen_history.get(key, 0) != part["count"]:
            check.problems.append(
                f"変更履歴 {key}: {seen_history.get(key, 0)}件（目録では{part['count']}件）"
            )
    for key in seen_history.keys() - history.keys():
        check.problems.append(f"変更履歴 {key}: 目録にない行があります")
    check.events = sum(seen_events.values())
    check.history = sum(seen_history.values())


# --- The purge -----------------------------------------------------------------------------


@dataclass
class PurgeResult:
    plan: PurgePlan
    checked: int  # events whose links were verified before anything else
    dry_run: bool
    archive: Archive | None = None
    purge: AccessLogPurge | None = None


def access_log_purge(
    *,
    actor: Any = None,
    cutoff: dt.datetime,
    directory: Path | str | None = None,
    dry_run: bool = False,
) -> PurgeResult:
    """Archive, check, then remove what is older than `cutoff` (see the module's doc).

    Raises RetentionRefused, having removed nothing, when the chain is broken, the archive
    does not read back as written, or the rows to remove are not exactly those archived.
    `actor` is None for the command (no signed-in user); kept for the service shape.
    """
    verification = chain.verify()
    if not verification.ok:
        first = verification.first
        raise RetentionRefused(
            "閲覧記録の連鎖に異常があるため、削除しません（改ざんの痕跡を消さないため）。"
            f"最初の異常: {first.describe() if first else '不明'}"
        )
    plan = purge_plan(cutoff=cutoff)
    result = PurgeResult(plan=plan, checked=verification.checked, dry_run=dry_run)
    if dry_run or plan.empty:
        return result
    archive = archive_write(plan, Path(directory or settings.AUDIT_ARCHIVE_DIR))
    result.archive = archive
    check = archive_verify(archive.manifest_path)
    if not check.ok:
        raise RetentionRefused(
            "保存ファイルを読み直した結果が書き込んだ内容と一致しないため、削除しません: "
            + "、".join(check.problems[:3])
        )
    result.purge = _remove(plan, archive)
    return result


def _remove(plan: PurgePlan, archive: Archive) -> AccessLogPurge:
    """Delete exactly what was archived, through the purge path, and leave the anchors."""
    chains = archive.manifest["events"]["chains"]
    with chain.purge_allowed():
        for span in plan.spans:
            removed, _ = AccessEvent.objects.filter(
                chain=span.chain, seq__gte=span.first, seq__lte=span.last
            ).delete()
            if removed != span.count:
                raise RetentionRefused(
                    f"系列{span.chain}で削除される件数（{removed}件）が保存した件数"
                    f"（{span.count}件）と異なるため、取り消しました。"
                )
        for part in plan.history:
            model = history_model(registry.history_source(part.key))  # type: ignore[arg-type]
            removed, _ = model.objects.filter(
                history_date__lt=plan.cutoff, history_id__lte=part.top
            ).delete()
            if removed != part.count:
                raise RetentionRefused(
                    f"{part.label}の変更履歴で削除される件数（{removed}件）が保存した件数"
                    f"（{part.count}件）と異なるため、取り消しました。"
                )
        # Chains not purged this time keep their earlier anchors: verify() reads only the
        # latest purge row.
        anchors = {str(c): [seq, hash_] for c, (seq, hash_) in chain._anchors().items() if seq}
        for span in plan.spans:
            anchors[str(span.chain)] = [span.last, chains[str(span.chain)]["last_hash"]]
        for span in plan.spans:
            following = (
                AccessEvent.objects.filter(chain=span.chain, seq=span.last + 1)
                .values_list("prev_hash", flat=True)
                .first()
            )
            if following is not None and following != anchors[str(span.chain)][1]:
                raise RetentionRefused(
                    f"系列{span.chain}の{span.last + 1}番が削除した記録とつながらないため、"
                    "取り消しました。"
                )
        return AccessLogPurge.objects.create(
            cutoff=plan.cutoff,
            event_count=plan.event_count,
            history_count=plan.history_count,
            archive_name=archive.path.name,
            archive_sha256=archive.sha256,
            signature=archive.signature,
            anchors=anchors,
        )
