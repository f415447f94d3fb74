"""Kinds where phones write: word cloud, idea wall (post-its + dots), questions."""

from __future__ import annotations

from collections import Counter

from flask_babel import lazy_gettext as _l

from ..models import ActivityKind
from .base import MAX_WORD, Kind, Refused, _int, clean_text, fold, invalid


class WordCloud(Kind):
    kind = ActivityKind.WORDCLOUD
    label = _l("Word cloud")

    def clean_config(self, raw):
        words = raw.get("max_words", 3)
        if isinstance(words, str) and words.isdigit():
            words = int(words)
        return {"max_words": _int(words, 1, 3, _l("Between 1 and 3 words per person."))}

    def clean_answer(self, config, state, value, previous, visible_ids=None):
        if isinstance(value, str):
            value = [value]
        message = _l("Write a word.")
        if not isinstance(value, list):
            raise invalid(message)
        words, keys = [], set()
        for item in value:
            if isinstance(item, str) and not item.strip():
                continue
            word = clean_text(item, limit=MAX_WORD, message=message)
            if fold(word) not in keys:
                keys.add(fold(word))
                words.append(word)
        if not words:
            raise invalid(message)
        if len(words) > config["max_words"]:
            raise invalid(_l("At most %(n)d words.", n=config["max_words"]))
        return words

    def tally(self, config, state, answers, contributions=None):
        hidden = set(state.get("hidden_words", []))
        counts: Counter[str] = Counter()
        spellings: dict[str, Counter[str]] = {}
        for words in answers:
            for word in words:
                key = fold(word)
                if key in hidden:
                    continue
                counts[key] += 1
                spellings.setdefault(key, Counter())[word] += 1
        words = [
            {"key": key, "text": spellings[key].most_common(1)[0][0], "count": count}
            for key, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:60]
        ]
        return {"total": len(answers), "words": words}


class Ideas(Kind):
    """Idea wall: post-its, grouped in columns by the animator, then dot voting."""

    kind = ActivityKind.IDEAS
    label = _l("Idea wall")
    takes_contributions = True
    phases = ("collect", "vote")

    def clean_config(self, raw):
        dots = raw.get("dots", 3)
        if isinstance(dots, str) and dots.isdigit():
            dots = int(dots)
        return {"dots": _int(dots, 1, 10, _l("Between 1 and 10 dots per person."))}

    def clean_answer(self, config, state, value, previous, visible_ids=None):
        if state.get("phase") != "vote":
            raise Refused("closed", str(_l("Voting has not started yet.")))
        message = _l("Place your dots on the ideas.")
        if not isinstance(value, dict):
            raise invalid(message)
        votes = {}
        for key, count in value.items():
            try:
                idea = int(key)
            except (TypeError, ValueError):
                raise invalid(message) from None
            if visible_ids is not None and idea not in visible_ids:
                raise invalid(message)
            count = _int(count, 0, config["dots"], message)
            if count:
                votes[str(idea)] = count
        if sum(votes.values()) > config["dots"]:
            raise invalid(_l("You have %(n)d dots.", n=config["dots"]))
        return votes

    def tally(self, config, state, answers, contributions=None):
        dots: Counter[str] = Counter()
        for votes in answers:
            dots.update({k: v for k, v in votes.items()})
        ideas = [
            {**c, "dots": dots.get(str(c["id"]), 0)}
            for c in (contributions or [])
            if not c["hidden"]
        ]
        if state.get("phase") == "vote":
            ideas.sort(key=lambda c: (-c["dots"], c["id"]))
        columns = state.get("columns", [])
        return {
            "total": len(answers),
            "ideas": ideas,
            "columns": columns,
            "phase": state.get("phase", "collect"),
            "count": len(ideas),
        }


class Questions(Kind):
    """Questions to the group or a guest, with upvotes and moderation."""

    kind = ActivityKind.QUESTIONS
    label = _l("Questions")
    takes_contributions = True

    def clean_config(self, raw):
        # Pre-moderation: each question waits for the animator's approval before it shows.
        return {"premoderation": True} if raw.get("premoderation") else {}

    def clean_answer(self, config, state, value, previous, visible_ids=None):
        message = _l("Choose the questions you want asked.")
        if not isinstance(value, list):
            raise invalid(message)
        ids = set()
        for item in value:
            if isinstance(item, bool) or not isinstance(item, int):
                raise invalid(message)
            if visible_ids is not None and item not in visible_ids:
                raise invalid(message)
            ids.add(item)
        return sorted(ids)

    def tally(self, config, state, answers, contributions=None):
        votes: Counter[int] = Counter()
        for upvoted in answers:
            votes.update(upvoted)
        questions = [
            {**c, "votes": votes.get(c["id"], 0)} for c in (contributions or []) if not c["hidden"]
        ]
        questions.sort(key=lambda q: (q["answered"], -q["votes"], q["id"]))
        return {"total": len(answers), "questions": questions, "count": len(questions)}
