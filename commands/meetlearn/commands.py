"""The Meet-and-Learn chat commands that create sessions and series and change a series as a whole.

Decisions live in ``service`` and ``seriesops``; here: parsing, permissions, replies. Commands about a single
session (changing, listing, RSVP, recording) are in ``sessions``.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from typing import Any

from bot.context import Context
from bot.framework import Arg, Int, Perm, Rest, Text, UserError, When, command
from bot.render import escape_md
from commands import undo
from commands.meetlearn import calendars, present, seriesops, store
from commands.meetlearn import service as svc
from commands.meetlearn.args import (
    COUNT,
    DESCRIPTION,
    DURATION,
    LINK,
    MEET,
    PREVIEW,
    SERIES,
    SPEAKER,
    TOPIC,
    UNTIL,
    WHEN,
    RuleArg,
    done_elsewhere,
    names,
    not_in_dm,
)
from commands.meetlearn.recurrence import Rule
from commands.meetlearn.settings import cfg
from storage.meetlearn import MeetSeries

log = logging.getLogger(__name__)


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
    *names("neu", "new", "anlegen"),
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
    not_in_dm(ctx)
    svc.check_lengths(ctx, thema, referent, beschreibung)
    s = await svc.create_single(
        ctx, when=wann, topic=thema, speaker=referent, duration_min=dauer, link=link, description=beschreibung
    )
    await undo.offer(ctx, f"meetlearn absagen {s.id}")
    when = present.when_text(ctx, s.starts_at)
    await ctx.reply(
        ctx.t("ml.created", id=s.id, when=when, plan=present.plan_text(ctx, s), undo=undo.hint(ctx))
    )


@command(
    *names("serie", "series", "reihe"),
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
    not_in_dm(ctx)
    svc.check_lengths(ctx, thema, referent, beschreibung)
    regel = seriesops.bounded_rule(ctx, regel, bis, anzahl)
    if vorschau:
        dates = regel.occurrences(ctx.now(), ctx.tz, 3)
        lines = [f"- {present.when_text(ctx, d)}" for d in dates]
        await ctx.reply(
            ctx.t("ml.series_preview", rule=present.describe_rule(ctx, regel), dates="\n".join(lines))
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
    lines = [f"- #{s.id}: {present.when_text(ctx, s.starts_at)}" for s in made[:3]]
    lead = cfg(ctx).series_announce_days
    await ctx.reply(
        ctx.t(
            "ml.series_created",
            id=series.id,
            topic=escape_md(series.topic),
            link=present.md_link(series.link, ctx),
            rule=present.describe_rule(ctx, present.series_rule(series)),
            dates="\n".join(lines),
            lead=f"{lead:g}",
            first=made[0].id if made else 1,
        )
    )
    # The series' calendar file comes once: with the first announcement if that is due now (its job runs
    # right after this), otherwise here, so the room has the dates before the first announcement.
    if made and made[0].starts_at.astimezone(UTC) - cfg(ctx).announce_lead > ctx.now():
        await calendars.post_calendar(ctx, made[0], ctx.room_id)


# ------------------------------------------------------------------------------------------ series


async def _active_series(ctx: Context, number: int) -> MeetSeries:
    series = await store.get_series(ctx, number)
    if series.status != "active":
        raise UserError(ctx.t("ml.series_already_over", id=series.id))
    return series


@command(
    *names("serie beenden", "series end", "reihe beenden", "serie ende"),
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
    end = await seriesops.end_series(ctx, series, bis)
    if end is None:  # no date would be left: that is cancelling it
        await _cancel_series(ctx, series)
    else:
        dropped = ""
        if end.dropped:
            shown = ", ".join(f"#{v.id} ({present.short_when(ctx, v.starts_at)})" for v in end.dropped)
            dropped = ctx.t("ml.series_dropped", list=shown)
        md = ctx.t(
            "ml.series_ended",
            id=series.id,
            topic=escape_md(series.topic),
            rule=present.describe_rule(ctx, end.rule),
            last=present.when_text(ctx, end.last),
            dropped=dropped,
        )
        await ctx.say(md, room_id=series.room_id, mention_users=end.mention)
        await calendars.post_series_calendar(ctx, series)
    await done_elsewhere(ctx, series.room_id)


@command(
    *names("serie absagen", "series cancel", "reihe absagen"),
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
    await done_elsewhere(ctx, series.room_id)


async def _cancel_series(ctx: Context, series: MeetSeries) -> None:
    cancelled = await seriesops.cancel_series(ctx, series)
    ids = ", ".join(f"#{i}" for i in cancelled) or "–"
    rule = present.describe_rule(ctx, present.series_rule(series))
    md = ctx.t("ml.series_cancelled", id=series.id, topic=escape_md(series.topic), rule=rule, ids=ids)
    await ctx.say(md, room_id=series.room_id)
    await calendars.post_series_calendar(ctx, series)


@command(
    *names("serie ändern", "series edit", "reihe ändern"),
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
    series = await store.get_series(ctx, reihe)
    until = present.series_rule(series).until
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
    change = await seriesops.change_series(ctx, series, values)
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
        rule=present.describe_rule(ctx, present.series_rule(series)),
        speaker=escape_md(series.speaker or "–"),
        minutes=series.duration_min,
        link=present.md_link(series.link, ctx),
        kept=kept,
    )
    await ctx.say(md, room_id=series.room_id)
    await calendars.post_series_calendar(ctx, series)
    await done_elsewhere(ctx, series.room_id)
