"""Scoring: measurements + a ruleset (data) -> Verdict; ranking of verdicts. Pure."""
from scoring.engine import Assessment, assess, evaluate
from scoring.ranking import rank
from scoring.ruleset import Rule, Ruleset, RulesetError
from scoring.rulefile import load_ruleset

__all__ = ["Assessment", "Rule", "Ruleset", "RulesetError", "assess", "evaluate", "load_ruleset",
           "rank"]
