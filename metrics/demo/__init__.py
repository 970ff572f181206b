"""The demo data: a fictional Finnish city running the programme Pöhinä is built for.

"Esimerkkikaupunki" (the home organisation) has sectors, units under them and, at the `city`
scale, a third level of day-care centres, schools, libraries and the like. Three pilot units
(viestinta, kaupunkisuunnittelu, varhaiskasvatus) start pilot teams just after a baseline staff
survey; at the `city` scale more teams follow in yearly waves. What the generator models, by
module:

- organisation: units, their staff and heads, the peer municipalities and the teams; units of
  three to six staff give groups under the anonymity threshold of five respondents;
- ideas: the idea flow, each idea's wait for a decision and what became of it;
- pilots: the teams' projects with milestones;
- activities: supervisor workshops, change agents' monthly meetings, trainings and joint
  seminars with three or four peer municipalities;
- practices: good practices written up from ideas, projects and the peers;
- survey: the staff survey's rounds, items and answers, from a latent-attitude model;
- build: the world drawn from all of these, written as contract files and loaded through the
  importer.

Every name, title and sentence is in texts.toml (metrics.demo.texts); the code holds the
numbers that shape the data. Everything is dated relative to `as_of` and nothing falls after
it. The same scale, seed and as_of give byte-identical files, so the demo can be rebuilt and
compared.
"""

from metrics.demo.build import build_demo, write_demo_files
from metrics.demo.model import PILOT_UNIT_IDS, SCALES, DemoFile, Scale

__all__ = ["PILOT_UNIT_IDS", "SCALES", "DemoFile", "Scale", "build_demo", "write_demo_files"]
