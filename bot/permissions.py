"""Who is a coordinator — decided here and nowhere else.

A user is a coordinator in a room if they are on the configured list, or their power level there reaches
the threshold. Power in one room never carries over to another: anyone allowed to invite the bot can make
a room of their own and be its admin, and that must not give them anything outside that room.

Some things belong to the whole bot rather than to one room (the FAQ knowledge base and its open
questions from every room). Those need a *network* coordinator: someone on the list, or with the threshold
in one of the team rooms the bot is configured to serve. A DM with the bot gives everybody power level 100
over a two-person room, so in a DM only network standing counts.
"""

from __future__ import annotations

from typing import Protocol

from bot.config import CoordinatorSettings


class RoomDirectory(Protocol):
    def is_dm(self, room_id: str) -> bool: ...
    def power_level(self, room_id: str, user_id: str) -> int: ...
    def team_rooms(self) -> list[str]: ...


class Permissions:
    def __init__(self, settings: CoordinatorSettings, rooms: RoomDirectory) -> None:
        self.settings = settings
        self.rooms = rooms

    def is_coordinator(self, user_id: str, room_id: str) -> bool:
        """May ``user_id`` do coordinator things that concern ``room_id``?"""
        if user_id in self.settings.users:
            return True
        if not self.rooms.is_dm(room_id):
            return self.rooms.power_level(room_id, user_id) >= self.settings.power_level
        return self.is_network_coordinator(user_id)

    def is_network_coordinator(self, user_id: str) -> bool:
        """May ``user_id`` do coordinator things that concern the whole bot, from any room?"""
        if user_id in self.settings.users:
            return True
        return any(
            self.rooms.power_level(team, user_id) >= self.settings.power_level
            for team in self.rooms.team_rooms()
        )
