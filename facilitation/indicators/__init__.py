"""Indicators and funder reports: process and T0/T1 outcome indicators with their
definitions, small-cell suppression, the activity log of the mediation work, the ARS
quality grids, SMART objectives, the veille on barriers, and their exports."""

from flask import Blueprint

bp = Blueprint("indicators", __name__)

from . import routes  # noqa: E402, F401
