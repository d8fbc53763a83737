"""The Meet-and-Learn chat commands. Decisions live in ``service``; here: parsing, permissions, replies."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select

from bot.context import Context
from bot.framework import (
    Arg,
    ArgType,
    Choice,
    Flag,
    Int,
    Perm,
    Rest,
    Text,
    Token,
    UsageError,
    UserError,
    When,
    command,
    shorten,
)
from bot.render import escape_md
from bot.timeparse import TimeParseError, parse_duration, parse_when, require_future
from commands import undo
from commands.meetlearn import service as svc
from commands.meetlearn.recurrence import Rule, RuleParseError, parse_rule
from storage.meetlearn import MeetRoomSettings, MeetSeries, MeetSession

log = logging.getLogger(__name__)

MEET = {"de": "Meet and Learn", "en": "Meet and Learn"}
NR = {"de": "Nr", "en": "no"}
WHEN = {"de": "Datum Zeit", "en": "date time"}
TOPIC = {"de": "Thema", "en": "topic"}


def _names(*subs: str) -> tuple[str, ...]:
    """ "meetlearn <sub>" for every spelling, then the same under the short "meet": ``!meet neu`` works like
    ``!meetlearn neu``. The German name stays first and the English one second (help shows those)."""
    return tuple(f"{base} {sub}" for base in ("meetlearn", "meet") for sub in subs)


# ------------------------------------------------------------------------------------ argument types


class RuleArg(ArgType):
    """A recurrence rule: one quoted token, or the unquoted words up to the next quoted one."""

    def consume(self, tokens: Sequence[Token], ctx: Context, raw: str) -> tuple[Any, int]:
        if not tokens:
            return super().consume(tokens, ctx, raw)  # raises "missing"
        used = 1
        if not tokens[0].quoted:
            while used < len(tokens) and not tokens[used].quoted:
                used += 1
        text = " ".join(t.text for t in tokens[:used])
        try:
            return parse_rule(text, ctx.lang), used
        except RuleParseError as exc:
            raise UsageError(exc.markdown(ctx.lang)) from exc


class UrlArg(ArgType):
    def convert(self, text: str, ctx: Context) -> str:
        text = text.strip()
        if not svc.URL_RE.fullmatch(text):
            raise UsageError(ctx.t("ml.bad_url", value=escape_md(shorten(text))))
        return text


class LastDay(ArgType):
    """The last day of a series ("30.06.2027", "Freitag", "in 3 Monaten"); a time of day is not needed."""

    def consume(self, tokens: Sequence[Token], ctx: Context, raw: str) -> tuple[Any, int]:
        if not tokens:
            return super().consume(tokens, ctx, raw)
        used = 1
        if not tokens[0].quoted:
            while used < len(tokens) and not tokens[used].quoted:
                used += 1
        text = " ".join(t.text for t in tokens[:used])
        now = ctx.now()
        try:
            value = require_future(parse_when(text, now, ctx.tz, ctx.lang, default_time=time(23, 59)), now)
        except TimeParseError as exc:
            raise UsageError(exc.markdown(ctx.lang)) from exc
        return value.astimezone(ctx.tz).date(), used


class Minutes(ArgType):
    """ "60", "90 Minuten", "1h30m", "1 Stunde" → minutes (5 to 600); the longest reading wins."""

    def consume(self, tokens: Sequence[Token], ctx: Context, raw: str) -> tuple[Any, int]:
        if not tokens:
            return super().consume(tokens, ctx, raw)
        found: tuple[int, int] | None = None
        limit = 1 if tokens[0].quoted else min(4, len(tokens))
        for used in range(1, limit + 1):
            if used > 1 and tokens[used - 1].quoted:
                break
            text = " ".join(t.text for t in tokens[:used])
            if text.isdigit():
                found = (int(text), used)
                continue
            try:
                found = (int(parse_duration(text).total_seconds() // 60), used)
            except TimeParseError:
                continue
        if found is None or not 5 <= found[0] <= 600:
            shown = " ".join(t.text for t in tokens[: found[1] if found else 1])
            raise UsageError(ctx.t("ml.bad_duration", value=escape_md(shorten(shown))))
        return found


SPEAKER = Flag(
    "referent", Text(), aliases=("referentin", "speaker"), label={"de": "Rolle/Team", "en": "role/team"}
)
DURATION = Flag("dauer", Minutes(), aliases=("duration",), label={"de": "Minuten", "en": "minutes"})
LINK = Flag("link", UrlArg(), aliases=("url",), label={"de": "URL", "en": "URL"})
DESCRIPTION = Flag("beschreibung", Text(), aliases=("description",), label={"de": "Text", "en": "text"})
UNTIL = Flag("bis", LastDay(), aliases=("until",), label={"de": "Datum", "en": "date"})
COUNT = Flag("anzahl", Int(1, 500), aliases=("count",), label={"de": "Zahl", "en": "number"})
PREVIEW = Flag("vorschau", aliases=("preview", "probe"))


def _not_in_dm(ctx: Context) -> None:
    if ctx.is_dm:
        raise UserError(ctx.t("ml.not_in_dm"))


async def _done_elsewhere(ctx: Context, room_id: str) -> None:
    """The room got the news; the one who typed the command elsewhere (a DM) gets a short confirmation."""
    if room_id != ctx.room_id:
        await ctx.reply(ctx.t("ml.done"))


async def _active_series(ctx: Context, number: int) -> MeetSeries:
    series = await svc.get_series(ctx, number)
    if series.status != "active":
        raise UserError(ctx.t("ml.series_already_over", id=series.id))
    return series


# ------------------------------------------------------------------------------------------ overview


@command(
    "meetlearn",
    "meet",
    group=MEET,
    help={
        "de": "Überblick über die Meet-and-Learn-Befehle.",
        "en": "Overview of the Meet and Learn commands.",
    },
    args=[Arg("rest", Rest(), optional=True, label={"de": "Befehl", "en": "command"})],
    examples=["!meetlearn"],
)
async def meetlearn(ctx: Context, rest: str | None) -> None:
    text = ctx.t("ml.overview")
    if rest:
        text = ctx.t("ml.unknown_sub", word=escape_md(rest[:40])) + "\n\n" + text
    await ctx.reply(text)


# ---------------------------------------------------------------------------------------- creating


@command(
    *_names("neu", "new", "anlegen"),
    group=MEET,
    permission=Perm.COORDINATOR,
    help={"de": "Legt ein Meet and Learn an und kündigt es an.", "en": "Creates and announces a session."},
    args=[Arg("wann", When(), label=WHEN), Arg("thema", Text(), label=TOPIC)],
    flags=[SPEAKER, DURATION, LINK, DESCRIPTION],
    examples=[
        '!meetlearn neu 10.12. 14 Uhr "Dokumentenmanagement im Alltag" --referent "Team Personal & IT"',
        '!meetlearn neu Donnerstag 14:00 "Universalprozess auf service-bw" --dauer 45',
    ],
    details={
        "de": "Ohne `--link` erzeuge ich einen Raum auf dem Jitsi der Stadt, falls eingerichtet – sonst "
        "steht in der Ankündigung „noch kein Link“, bis du ihn mit `!meetlearn thema <Nr> --link …` "
        "nachträgst. Ich erinnere 7 Tage, 1 Tag und 15 Minuten vorher – aber nur, wenn der Termin "
        "mindestens doppelt so weit weg ist (7 Tage vorher also ab 14 Tagen Vorlauf, 1 Tag vorher ab 2 "
        "Tagen). Zum Start kommt „Es geht los“. Falsch angelegt? Antworte „rückgängig“.",
        "en": "Without `--link` I create a room on the city's Jitsi if one is set up – otherwise the "
        "announcement says “no link yet” until you add it with `!meetlearn topic <no> --link …`. I remind "
        "7 days, 1 day and 15 minutes before – but only if the session is at least twice that far away "
        "(7 days before from 14 days ahead, 1 day before from 2 days ahead). “Es geht los” comes at the "
        "start. Created by mistake? Reply “undo”.",
    },
)
async def neu(
    ctx: Context,
    wann: datetime,
    thema: str,
    referent: str | None,
    dauer: int | None,
    link: str | None,
    beschreibung: str | None,
) -> None:
    _not_in_dm(ctx)
    svc.check_lengths(ctx, thema, referent, beschreibung)
    s = await svc.create_single(
        ctx, when=wann, topic=thema, speaker=referent, duration_min=dauer, link=link, description=beschreibung
    )
    await undo.offer(ctx, f"meetlearn absagen {s.id}")
    when = svc.when_text(ctx, s.starts_at)
    await ctx.reply(ctx.t("ml.created", id=s.id, when=when, plan=_plan_text(ctx, s), undo=undo.hint(ctx)))


def _plan_text(ctx: Context, s: MeetSession) -> str:
    """The reminders actually planned, each with its date, so the rule behind them is visible."""
    c = svc.cfg(ctx)
    announce_at = ctx.now() if s.announced else max(ctx.now(), s.starts_at.astimezone(UTC) - c.announce_lead)
    planned = [p for p in svc.planning.plan(s.starts_at, announce_at, c.offsets, ctx.tz) if p.offset]
    if not planned:
        return ctx.t("ml.plan_none")
    before = svc.planning.before_en if ctx.lang == "en" else svc.planning.before_de
    items = [ctx.t("ml.plan_item", when=svc.short_when(ctx, p.due), before=before(p.offset)) for p in planned]
    listed = items[0] if len(items) == 1 else ", ".join(items[:-1]) + ctx.t("ml.and") + items[-1]
    return ctx.t("ml.plan", list=listed)


@command(
    *_names("serie", "series", "reihe"),
    group=MEET,
    permission=Perm.COORDINATOR,
    help={"de": "Legt eine Meet-and-Learn-Reihe an.", "en": "Creates a recurring series."},
    args=[Arg("regel", RuleArg(), label={"de": "Regel", "en": "rule"}), Arg("thema", Text(), label=TOPIC)],
    flags=[SPEAKER, DURATION, LINK, DESCRIPTION, UNTIL, COUNT, PREVIEW],
    examples=[
        '!meetlearn serie "jeden 2. Donnerstag 14:00" "Meet and Learn" --referent "Koordination"',
        '!meetlearn serie "jeden letzten Dienstag 10 Uhr" "IT-News" --vorschau',
        '!meetlearn serie "wöchentlich Mittwoch 13:00" "Mittagsrunde" --bis 31.03.2027',
        '!meetlearn serie "monatlich am 15. um 9:30" "Einführung" --anzahl 6',
    ],
    details={
        "de": "Regeln: `jeden 2. Donnerstag 14:00`, `jeden letzten Dienstag 10 Uhr`, `monatlich am 15. um "
        "9:30`, "
        "`wöchentlich Mittwoch 13:00`, `alle 2 Wochen Montag 10:00`. Ohne Ende läuft die Reihe, bis sie "
        "jemand mit `!meetlearn serie beenden` beendet; mit `--bis <Datum>` endet sie an diesem Tag, mit "
        "`--anzahl <Zahl>` nach so vielen Terminen. Mit `--vorschau` zeige ich nur die "
        "nächsten Termine, ohne etwas anzulegen.",
        "en": "Rules: `every 2nd Thursday 14:00`, `every last Tuesday 10:00`, `monthly on the 15th at 9:30`, "
        "`weekly Wednesday 13:00`. Without an end the series runs until someone ends it with "
        "`!meetlearn series end`; with `--until <date>` it ends on that day, with `--count <number>` after "
        "that many sessions. With `--preview` I only show the next dates.",
    },
)
async def serie(
    ctx: Context,
    regel: Rule,
    thema: str,
    referent: str | None,
    dauer: int | None,
    link: str | None,
    beschreibung: str | None,
    bis: date | None,
    anzahl: int | None,
    vorschau: bool,
) -> None:
    _not_in_dm(ctx)
    svc.check_lengths(ctx, thema, referent, beschreibung)
    regel = svc.bounded_rule(ctx, regel, bis, anzahl)
    if vorschau:
        dates = regel.occurrences(ctx.now(), ctx.tz, 3)
        lines = [f"- {svc.when_text(ctx, d)}" for d in dates]
        await ctx.reply(
            ctx.t("ml.series_preview", rule=svc.describe_rule(ctx, regel), dates="\n".join(lines))
        )
        return
    series, made = await svc.create_series(
        ctx,
        rule=regel,
        topic=thema,
        speaker=referent,
        duration_min=dauer,
        link=link,
        description=beschreibung,
    )
    lines = [f"- #{s.id}: {svc.when_text(ctx, s.starts_at)}" for s in made[:3]]
    lead = svc.cfg(ctx).series_announce_days
    await ctx.reply(
        ctx.t(
            "ml.series_created",
            id=series.id,
            topic=escape_md(series.topic),
            link=svc.md_link(series.link, ctx),
            rule=svc.describe_rule(ctx, svc.series_rule(series)),
            dates="\n".join(lines),
            lead=f"{lead:g}",
            first=made[0].id if made else 1,
        )
    )
    # The series' calendar file comes once: with the first announcement if that is due now (its job runs
    # right after this), otherwise here, so the room has the dates before the first announcement.
    if made and made[0].starts_at.astimezone(UTC) - svc.cfg(ctx).announce_lead > ctx.now():
        await svc.post_calendar(ctx, made[0], ctx.room_id)


SERIES = {"de": "Reihe", "en": "series"}


@command(
    *_names("serie beenden", "series end", "reihe beenden", "serie ende"),
    group=MEET,
    permission=Perm.COORDINATOR,
    help={
        "de": "Beendet eine Reihe: angekündigte Termine finden noch statt, spätere entfallen.",
        "en": "Ends a series: announced sessions still take place, later ones are dropped.",
    },
    args=[Arg("reihe", Int(1), label=SERIES)],
    flags=[UNTIL],
    examples=["!meetlearn serie beenden 2", "!meetlearn serie beenden 2 --bis 30.06.2027"],
    details={
        "de": "Ohne `--bis` endet die Reihe nach den Terminen, die schon angekündigt sind; die späteren "
        "verschwinden. Mit `--bis <Datum>` endet sie an diesem Tag. Der Raum bekommt eine Nachricht und "
        "die Kalenderdatei mit dem Ende (RRULE UNTIL). Alles absagen, auch angekündigte Termine: "
        "`!meetlearn serie absagen`.",
        "en": "Without `--until` the series ends after the sessions already announced; later ones "
        "disappear. With `--until <date>` it ends on that day. The room gets a message and the calendar "
        "file with the end (RRULE UNTIL). To cancel everything, announced sessions included: "
        "`!meetlearn series cancel`.",
    },
)
async def serie_beenden(ctx: Context, reihe: int, bis: date | None) -> None:
    series = await _active_series(ctx, reihe)
    end = await svc.end_series(ctx, series, bis)
    if end is None:  # no date would be left: that is cancelling it
        await _cancel_series(ctx, series)
    else:
        dropped = ""
        if end.dropped:
            shown = ", ".join(f"#{v.id} ({svc.short_when(ctx, v.starts_at)})" for v in end.dropped)
            dropped = ctx.t("ml.series_dropped", list=shown)
        md = ctx.t(
            "ml.series_ended",
            id=series.id,
            topic=escape_md(series.topic),
            rule=svc.describe_rule(ctx, end.rule),
            last=svc.when_text(ctx, end.last),
            dropped=dropped,
        )
        await ctx.say(md, room_id=series.room_id, mention_users=end.mention)
        await _series_calendar(ctx, series)
    await _done_elsewhere(ctx, series.room_id)


@command(
    *_names("serie absagen", "series cancel", "reihe absagen"),
    group=MEET,
    permission=Perm.COORDINATOR,
    help={
        "de": "Sagt eine ganze Reihe ab, auch schon angekündigte Termine.",
        "en": "Cancels a whole series, announced sessions included.",
    },
    args=[Arg("reihe", Int(1), label=SERIES)],
    examples=["!meetlearn serie absagen 2"],
)
async def serie_absagen(ctx: Context, reihe: int) -> None:
    series = await _active_series(ctx, reihe)
    await _cancel_series(ctx, series)
    await _done_elsewhere(ctx, series.room_id)


async def _cancel_series(ctx: Context, series: MeetSeries) -> None:
    cancelled = await svc.cancel_series(ctx, series)
    ids = ", ".join(f"#{i}" for i in cancelled) or "–"
    rule = svc.describe_rule(ctx, svc.series_rule(series))
    md = ctx.t("ml.series_cancelled", id=series.id, topic=escape_md(series.topic), rule=rule, ids=ids)
    await ctx.say(md, room_id=series.room_id)
    await _series_calendar(ctx, series)


@command(
    *_names("serie ändern", "series edit", "reihe ändern"),
    group=MEET,
    permission=Perm.COORDINATOR,
    help={
        "de": "Ändert Thema, Referent·in, Link, Dauer oder Beschreibung aller kommenden Termine einer Reihe.",
        "en": "Changes topic, speaker, link, duration or description of all coming sessions of a series.",
    },
    args=[Arg("reihe", Int(1), label=SERIES), Arg("thema", Text(), optional=True, label=TOPIC)],
    flags=[SPEAKER, DURATION, LINK, DESCRIPTION],
    examples=[
        "!meetlearn serie ändern 2 --link https://meet.stadt.example/MeetAndLearn",
        '!meetlearn serie ändern 2 "IT-News" --referent "Team Personal & IT" --dauer 45',
    ],
    details={
        "de": "Gilt für die Reihe selbst (also auch für Termine, die erst später entstehen) und für alle "
        "kommenden Termine. Was ein einzelner Termin mit `!meetlearn thema` eigens bekommen hat, bleibt; "
        "vergangene und abgesagte Termine behalten ihre Angaben. Der Raum bekommt eine Nachricht und die "
        "aktualisierte Kalenderdatei der Reihe.",
        "en": "Applies to the series itself (so also to sessions created later) and to all coming sessions. "
        "What a single session got on its own with `!meetlearn topic` stays; past and cancelled sessions "
        "keep their details. The room gets a message and the updated calendar file of the series.",
    },
)
async def serie_aendern(
    ctx: Context,
    reihe: int,
    thema: str | None,
    referent: str | None,
    dauer: int | None,
    link: str | None,
    beschreibung: str | None,
) -> None:
    if thema is None and referent is None and dauer is None and link is None and beschreibung is None:
        raise UserError(ctx.t("ml.series_nothing_to_change"))
    series = await svc.get_series(ctx, reihe)
    until = svc.series_rule(series).until
    if series.status != "active" or (until is not None and until <= ctx.now()):
        raise UserError(ctx.t("ml.series_already_over", id=series.id))
    svc.check_lengths(ctx, thema if thema is not None else "x", referent, beschreibung)
    values: dict[str, Any] = {}
    if thema is not None:
        values["topic"] = thema.strip()
    if referent is not None:
        values["speaker"] = referent.strip() or None
    if dauer is not None:
        values["duration_min"] = dauer
    if link is not None:
        values["link"] = link
    if beschreibung is not None:
        values["description"] = beschreibung.strip() or None
    change = await svc.change_series(ctx, series, values)
    what = {
        "topic": "ml.what_topic",
        "speaker": "ml.what_speaker",
        "duration_min": "ml.what_duration",
        "link": "ml.what_link",
        "description": "ml.what_description",
    }
    kept = ""
    if change.kept:
        shown = ", ".join(
            f"#{sid} ({', '.join(ctx.t(what[f]) for f in fields)})" for sid, fields in change.kept.items()
        )
        kept = ctx.t("ml.series_kept", list=shown)
    md = ctx.t(
        "ml.series_changed",
        id=series.id,
        what=", ".join(ctx.t(what[f]) for f in values),
        topic=escape_md(series.topic),
        rule=svc.describe_rule(ctx, svc.series_rule(series)),
        speaker=escape_md(series.speaker or "–"),
        minutes=series.duration_min,
        link=svc.md_link(series.link, ctx),
        kept=kept,
    )
    await ctx.say(md, room_id=series.room_id)
    await _series_calendar(ctx, series)
    await _done_elsewhere(ctx, series.room_id)


async def _series_calendar(ctx: Context, series: MeetSeries) -> None:
    data = svc.calendar(await svc.series_events(ctx, series), ctx.tz, ctx.now(), name=ctx.t("ml.ics_calname"))
    await ctx.upload(
        data,
        filename=f"meet-and-learn-reihe-{series.id}.ics",
        mimetype="text/calendar",
        room_id=series.room_id,
    )


# ----------------------------------------------------------------------------------------- changing


@command(
    *_names("thema", "topic", "aendern", "edit"),
    group=MEET,
    permission=Perm.COORDINATOR,
    help={
        "de": "Ändert Thema, Referent·in, Link oder Dauer eines Termins.",
        "en": "Changes topic, speaker, link or duration of a session.",
    },
    args=[Arg("nr", Int(1), label=NR), Arg("thema", Text(), optional=True, label=TOPIC)],
    flags=[SPEAKER, DURATION, LINK, DESCRIPTION],
    examples=['!meetlearn thema 7 "E-Akte: erste Schritte" --referent "Team Personal & IT"'],
)
async def thema(
    ctx: Context,
    nr: int,
    thema: str | None,
    referent: str | None,
    dauer: int | None,
    link: str | None,
    beschreibung: str | None,
) -> None:
    if thema is None and referent is None and dauer is None and link is None and beschreibung is None:
        raise UserError(ctx.t("ml.nothing_to_change"))
    s = await svc.get_session(ctx, nr)
    svc.require_open(ctx, s)
    svc.check_lengths(ctx, thema or "x", referent, beschreibung)
    changed = []
    if thema is not None:
        s.topic = thema.strip()
        changed.append(ctx.t("ml.what_topic"))
    if referent is not None:
        s.speaker = referent.strip()
        changed.append(ctx.t("ml.what_speaker"))
    if dauer is not None:
        s.duration_min = dauer
        changed.append(ctx.t("ml.what_duration"))
    if link is not None:
        s.link = link
        changed.append(ctx.t("ml.what_link"))
    if beschreibung is not None:
        s.description = beschreibung.strip()
        changed.append(ctx.t("ml.what_description"))
    s.sequence += 1
    await ctx.session.flush()
    v = svc.view(s)
    md = ctx.t(
        "ml.changed",
        id=s.id,
        what=", ".join(changed),
        topic=escape_md(v.topic),
        when=svc.when_text(ctx, v.starts_at),
        speaker=escape_md(v.speaker or "–"),
        link=svc.md_link(v.link, ctx),
    )
    if not svc.tells_room(s):
        await ctx.reply(md)
        return
    await ctx.say(md, room_id=s.room_id)
    await svc.post_calendar(ctx, s, s.room_id)
    await _done_elsewhere(ctx, s.room_id)


@command(
    *_names("verschieben", "move"),
    group=MEET,
    permission=Perm.COORDINATOR,
    help={
        "de": "Verschiebt einen Termin; der Raum wird informiert.",
        "en": "Moves a session; the room is told.",
    },
    args=[Arg("nr", Int(1), label=NR), Arg("wann", When(), label=WHEN)],
    examples=["!meetlearn verschieben 7 17.12. 14 Uhr"],
)
async def verschieben(ctx: Context, nr: int, wann: datetime) -> None:
    s = await svc.get_session(ctx, nr)
    svc.require_open(ctx, s)
    if wann == s.starts_at:
        raise UserError(ctx.t("ml.same_time", id=nr))
    old = await svc.move_session(ctx, s, wann)
    if not svc.tells_room(s):
        await ctx.reply(
            ctx.t("ml.moved_quiet", id=nr, old=svc.when_text(ctx, old), new=svc.when_text(ctx, wann))
        )
    else:
        await _done_elsewhere(ctx, s.room_id)


@command(
    *_names("absagen", "cancel"),
    group=MEET,
    permission=Perm.COORDINATOR,
    help={
        "de": "Sagt einen Termin ab; der Raum wird informiert.",
        "en": "Cancels a session; the room is told.",
    },
    args=[Arg("nr", Int(1), label=NR)],
    examples=["!meetlearn absagen 7"],
)
async def absagen(ctx: Context, nr: int) -> None:
    s = await svc.get_session(ctx, nr)
    v = svc.require_open(ctx, s)
    await svc.cancel_session(ctx, s)  # tells the room (announced sessions, all dates of a series)
    if not svc.tells_room(s) or s.room_id != ctx.room_id:
        await ctx.reply(
            ctx.t("ml.cancelled_quiet", id=nr, topic=escape_md(v.topic), when=svc.when_text(ctx, v.starts_at))
        )


ON_OFF = {"an": True, "ein": True, "on": True, "aus": False, "off": False}


@command(
    *_names("einstellungen", "settings"),
    group=MEET,
    permission=Perm.COORDINATOR,
    help={
        "de": "Zeigt oder ändert, ob Ankündigungen @room pingen und ob Zusagende eine DM-Erinnerung "
        "bekommen.",
        "en": "Shows or sets whether announcements ping @room and whether attendees get a DM reminder.",
    },
    args=[
        Arg("was", Choice("ping", "dm"), optional=True, label={"de": "ping|dm", "en": "ping|dm"}),
        Arg("wert", Choice("an", "aus", "on", "off"), optional=True, label={"de": "an|aus", "en": "on|off"}),
    ],
    examples=["!meetlearn einstellungen ping aus", "!meetlearn einstellungen dm an"],
)
async def einstellungen(ctx: Context, was: str | None, wert: str | None) -> None:
    _not_in_dm(ctx)
    if was is not None:
        if wert is None:
            raise UserError(ctx.t("ml.settings_value_missing", what=was))
        row = await ctx.session.get(MeetRoomSettings, ctx.room_id)
        if row is None:
            row = MeetRoomSettings(room_id=ctx.room_id)
            ctx.session.add(row)
        setattr(row, was, ON_OFF[wert])
        await ctx.session.flush()
    ping, dm = await svc.room_settings(ctx, ctx.room_id)
    await ctx.reply(
        ctx.t("ml.settings", ping=ctx.t("ml.on" if ping else "ml.off"), dm=ctx.t("ml.on" if dm else "ml.off"))
    )


# ------------------------------------------------------------------------------------------ listing


@command(
    "termine",
    "events",
    group=MEET,
    help={"de": "Zeigt die nächsten Meet-and-Learn-Termine.", "en": "Lists upcoming sessions."},
    examples=["!termine", "!termine ics"],
)
async def termine(ctx: Context) -> None:
    sessions = await svc.upcoming(ctx, svc.visible_rooms(ctx))
    if not sessions:
        await ctx.reply(ctx.t("ml.none_upcoming"))
        return
    yes = await svc.counts(ctx, [s.id for s in sessions])
    lines = [ctx.t("ml.upcoming_title")]
    for s in sessions:
        v = svc.view(s)
        lines.append(_line(ctx, v, yes.get(v.id, 0)))
    lines += ["", ctx.t("ml.upcoming_footer")]
    await ctx.reply("\n".join(lines))


def _line(ctx: Context, v: svc.View, yes: int) -> str:
    parts = [f"**#{v.id} {escape_md(v.topic)}**", svc.when_text(ctx, v.starts_at)]
    if v.speaker:
        parts.append(escape_md(v.speaker))
    parts.append(svc.md_link(v.link, ctx))
    parts.append(svc.plural(ctx, yes, "ml.yes_short_one", "ml.yes_short"))
    if v.series_id:
        parts.append(ctx.t("ml.series_tag", id=v.series_id))
    return "- " + " · ".join(parts)


@command(
    "termine ics",
    "events ics",
    "termine kalender",
    group=MEET,
    help={
        "de": "Schickt alle kommenden Termine als Kalenderdatei (.ics).",
        "en": "Sends all upcoming sessions as one calendar file (.ics).",
    },
    examples=["!termine ics"],
)
async def termine_ics(ctx: Context) -> None:
    sessions = await svc.upcoming(ctx, svc.visible_rooms(ctx), limit=200)
    if not sessions:
        await ctx.reply(ctx.t("ml.none_upcoming"))
        return
    data = await svc.calendar_for(ctx, sessions)
    await ctx.upload(data, filename="meet-and-learn.ics", mimetype="text/calendar")


@command(
    "archiv",
    "archive",
    group=MEET,
    help={"de": "Vergangene Termine mit Aufzeichnung.", "en": "Past sessions with their recordings."},
)
async def archiv(ctx: Context) -> None:
    now = ctx.now()
    rows = await ctx.session.execute(
        select(MeetSession)
        .where(
            MeetSession.room_id.in_(svc.visible_rooms(ctx)),
            MeetSession.status == "scheduled",
            MeetSession.starts_at < now,
        )
        .order_by(MeetSession.starts_at.desc())
        .limit(30)
    )
    past = [svc.view(s) for s in rows.unique().scalars()]
    if not past:
        await ctx.reply(ctx.t("ml.archive_empty"))
        return
    lines = [ctx.t("ml.archive_title")]
    for v in past:
        rec = svc.md_link(v.recording_url, ctx) if v.recording_url else ctx.t("ml.no_recording")
        who = f" · {escape_md(v.speaker)}" if v.speaker else ""
        lines.append(
            f"- **#{v.id} {escape_md(v.topic)}** · {svc.when_text(ctx, v.starts_at)}{who} · 🎬 {rec}"
        )
    await ctx.reply("\n".join(lines))


# --------------------------------------------------------------------------------------------- RSVP


async def _target(ctx: Context, nr: int | None) -> MeetSession:
    if nr is not None:
        return await svc.get_session(ctx, nr)
    sessions = await svc.upcoming(ctx, svc.visible_rooms(ctx), limit=2)
    if not sessions:
        raise UserError(ctx.t("ml.none_upcoming"))
    if len(sessions) > 1 and sessions[0].starts_at == sessions[1].starts_at:
        raise UserError(ctx.t("ml.which_one"))
    return sessions[0]


@command(
    "dabei",
    "join",
    "zusage",
    group=MEET,
    help={
        "de": "Sagt für einen Termin zu (ohne Nummer: den nächsten).",
        "en": "Says yes to a session (without a number: the next one).",
    },
    args=[Arg("nr", Int(1), optional=True, label=NR)],
    examples=["!dabei 7", "!dabei"],
)
async def dabei(ctx: Context, nr: int | None) -> None:
    await _rsvp(ctx, nr, svc.YES)


@command(
    "absage",
    "decline",
    group=MEET,
    help={
        "de": "Sagt für einen Termin ab (ohne Nummer: den nächsten).",
        "en": "Declines a session (without a number: the next one).",
    },
    args=[Arg("nr", Int(1), optional=True, label=NR)],
    examples=["!absage 7"],
)
async def absage(ctx: Context, nr: int | None) -> None:
    await _rsvp(ctx, nr, svc.NO)


async def _rsvp(ctx: Context, nr: int | None, answer: str) -> None:
    s = await _target(ctx, nr)
    v = svc.require_open(ctx, s)
    await svc.set_rsvp(ctx, s, ctx.sender, answer, "command", ctx.event_id)
    n = len(await svc.yes_voters(ctx, s.id))
    key = "ml.rsvp_yes" if answer == svc.YES else "ml.rsvp_no"
    await ctx.reply(
        ctx.t(
            key,
            id=v.id,
            topic=escape_md(v.topic),
            when=svc.when_text(ctx, v.starts_at),
            link=svc.md_link(v.link, ctx),
            count=svc.plural(ctx, n, "ml.yes_short_one", "ml.yes_short"),
        )
    )


# ----------------------------------------------------------------------------------------- recording


@command(
    "aufzeichnung",
    "recording",
    group=MEET,
    help={
        "de": "Hängt die Aufzeichnung an einen Termin an (Koordination oder Referent·in).",
        "en": "Attaches the recording to a session (coordinators or the speaker).",
    },
    args=[Arg("nr", Int(1), label=NR), Arg("url", UrlArg(), label={"de": "URL", "en": "URL"})],
    examples=["!aufzeichnung 7 https://video.stadt.example/meet-and-learn-7"],
    details={
        "de": "Die Referentin oder der Referent darf das, wenn sie/er beim Anlegen als Matrix-Konto "
        '(`--referent "@name:server"`) eingetragen wurde.',
        "en": 'The speaker may do it if they were entered as a Matrix account (`--speaker "@name:server"`).',
    },
)
async def aufzeichnung(ctx: Context, nr: int, url: str) -> None:
    s = await svc.get_session(ctx, nr)
    v = svc.view(s)
    if not (ctx.is_coordinator or svc.speaker_user(v.speaker) == ctx.sender):
        raise UserError(ctx.t("ml.recording_refused"))
    if v.status == "cancelled":
        raise UserError(ctx.t("ml.is_cancelled", id=v.id, topic=escape_md(v.topic)))
    s.recording_url = url
    s.recording_by = ctx.sender
    await ctx.session.flush()
    md = ctx.t(
        "ml.recording_posted",
        id=v.id,
        topic=escape_md(v.topic),
        when=svc.when_text(ctx, v.starts_at),
        url=svc.md_link(url, ctx),
    )
    await ctx.say(md, room_id=s.room_id)
    await _done_elsewhere(ctx, s.room_id)
