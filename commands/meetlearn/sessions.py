"""The Meet-and-Learn chat commands about single sessions: changing, room settings, listing, RSVP, recording.

Imported right after ``commands`` so that ``!hilfe`` and the README list them in the same order as before.
"""

from __future__ import annotations

from datetime import datetime

from bot.context import Context
from bot.framework import Arg, Choice, Int, Perm, Text, UserError, When, command
from bot.render import escape_md
from commands.meetlearn import calendars, present, store
from commands.meetlearn import service as svc
from commands.meetlearn.args import (
    DESCRIPTION,
    DURATION,
    LINK,
    MEET,
    NR,
    SPEAKER,
    TOPIC,
    WHEN,
    UrlArg,
    done_elsewhere,
    names,
    not_in_dm,
)
from storage.meetlearn import MeetSession

# ----------------------------------------------------------------------------------------- changing


@command(
    *names("thema", "topic", "aendern", "edit"),
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
    s = await store.get_session(ctx, nr)
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
    v = present.view(s)
    md = ctx.t(
        "ml.changed",
        id=s.id,
        what=", ".join(changed),
        topic=escape_md(v.topic),
        when=present.when_text(ctx, v.starts_at),
        speaker=escape_md(v.speaker or "–"),
        link=present.md_link(v.link, ctx),
    )
    if not svc.tells_room(s):
        await ctx.reply(md)
        return
    await ctx.say(md, room_id=s.room_id)
    await calendars.post_calendar(ctx, s, s.room_id)
    await done_elsewhere(ctx, s.room_id)


@command(
    *names("verschieben", "move"),
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
    s = await store.get_session(ctx, nr)
    svc.require_open(ctx, s)
    if wann == s.starts_at:
        raise UserError(ctx.t("ml.same_time", id=nr))
    old = await svc.move_session(ctx, s, wann)
    if not svc.tells_room(s):
        await ctx.reply(
            ctx.t("ml.moved_quiet", id=nr, old=present.when_text(ctx, old), new=present.when_text(ctx, wann))
        )
    else:
        await done_elsewhere(ctx, s.room_id)


@command(
    *names("absagen", "cancel"),
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
    s = await store.get_session(ctx, nr)
    v = svc.require_open(ctx, s)
    await svc.cancel_session(ctx, s)  # tells the room (announced sessions, all dates of a series)
    if not svc.tells_room(s) or s.room_id != ctx.room_id:
        await ctx.reply(
            ctx.t(
                "ml.cancelled_quiet",
                id=nr,
                topic=escape_md(v.topic),
                when=present.when_text(ctx, v.starts_at),
            )
        )


ON_OFF = {"an": True, "ein": True, "on": True, "aus": False, "off": False}


@command(
    *names("einstellungen", "settings"),
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
    not_in_dm(ctx)
    if was is not None:
        if wert is None:
            raise UserError(ctx.t("ml.settings_value_missing", what=was))
        await store.set_room_setting(ctx, ctx.room_id, was, ON_OFF[wert])
    ping, dm = await store.room_settings(ctx, ctx.room_id)
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
    sessions = await svc.upcoming(ctx, store.visible_rooms(ctx))
    if not sessions:
        await ctx.reply(ctx.t("ml.none_upcoming"))
        return
    yes = await store.counts(ctx, [s.id for s in sessions])
    lines = [ctx.t("ml.upcoming_title")]
    for s in sessions:
        v = present.view(s)
        lines.append(present.session_line(ctx, v, yes.get(v.id, 0)))
    lines += ["", ctx.t("ml.upcoming_footer")]
    await ctx.reply("\n".join(lines))


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
    sessions = await svc.upcoming(ctx, store.visible_rooms(ctx), limit=200)
    if not sessions:
        await ctx.reply(ctx.t("ml.none_upcoming"))
        return
    data = await calendars.calendar_for(ctx, sessions)
    await ctx.upload(data, filename="meet-and-learn.ics", mimetype="text/calendar")


@command(
    "archiv",
    "archive",
    group=MEET,
    help={"de": "Vergangene Termine mit Aufzeichnung.", "en": "Past sessions with their recordings."},
)
async def archiv(ctx: Context) -> None:
    past = [present.view(s) for s in await store.past_sessions(ctx, store.visible_rooms(ctx))]
    if not past:
        await ctx.reply(ctx.t("ml.archive_empty"))
        return
    lines = [ctx.t("ml.archive_title")]
    for v in past:
        rec = present.md_link(v.recording_url, ctx) if v.recording_url else ctx.t("ml.no_recording")
        who = f" · {escape_md(v.speaker)}" if v.speaker else ""
        lines.append(
            f"- **#{v.id} {escape_md(v.topic)}** · {present.when_text(ctx, v.starts_at)}{who} · 🎬 {rec}"
        )
    await ctx.reply("\n".join(lines))


# --------------------------------------------------------------------------------------------- RSVP


async def _target(ctx: Context, nr: int | None) -> MeetSession:
    if nr is not None:
        return await store.get_session(ctx, nr)
    sessions = await svc.upcoming(ctx, store.visible_rooms(ctx), limit=2)
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
    await _rsvp(ctx, nr, store.YES)


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
    await _rsvp(ctx, nr, store.NO)


async def _rsvp(ctx: Context, nr: int | None, answer: str) -> None:
    s = await _target(ctx, nr)
    v = svc.require_open(ctx, s)
    await store.set_rsvp(ctx, s, ctx.sender, answer, "command", ctx.event_id)
    n = len(await store.yes_voters(ctx, s.id))
    key = "ml.rsvp_yes" if answer == store.YES else "ml.rsvp_no"
    await ctx.reply(
        ctx.t(
            key,
            id=v.id,
            topic=escape_md(v.topic),
            when=present.when_text(ctx, v.starts_at),
            link=present.md_link(v.link, ctx),
            count=present.plural(ctx, n, "ml.yes_short_one", "ml.yes_short"),
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
    s = await store.get_session(ctx, nr)
    v = present.view(s)
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
        when=present.when_text(ctx, v.starts_at),
        url=present.md_link(url, ctx),
    )
    await ctx.say(md, room_id=s.room_id)
    await done_elsewhere(ctx, s.room_id)
