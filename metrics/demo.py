"""The demo data: a fictional Finnish city running the programme Pöhinä is built for.

"Esimerkkikaupunki" (the home organisation) has sectors, units under them and, at the `city`
scale, a third level of day-care centres, schools, libraries and the like. Three pilot units
(viestinta, kaupunkisuunnittelu, varhaiskasvatus) start pilot teams just after a baseline staff
survey; at the `city` scale more teams follow in yearly waves. What the generator models:

- staff send ideas at about 0.1 per person a year before the programme and 0.25–0.3 after
  it, more in pilot units, fewer in July; submitters are pseudonyms, some ideas anonymous;
- every idea waits a log-normal time for a decision (median about three weeks, slower in a
  few units and before the programme), so old ideas are decided and recent ones still wait,
  some past the 30-day target; accepted ideas are implemented a few months later;
- pilot teams run projects with milestones; supervisors attend workshops, change agents meet
  monthly, and joint seminars bring in three or four peer municipalities;
- survey answers come from a latent-attitude model: each unit has its own level, pilot units
  improve most, some units stay flat or decline, and the organisation as a whole moves about
  as the real programme reported (satisfaction +6 %, internal communication +33 %, change
  leadership +25 %, relative change in favourable share);
- units of three to six staff give groups under the anonymity threshold of five respondents.

Everything is dated relative to `as_of` and nothing falls after it. The same scale, seed and
as_of give byte-identical files, so the demo can be rebuilt and compared.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np

HOME_ORG_ID = "HOME"
HOME_NAME = "Esimerkkikaupunki"
EMAIL_DOMAIN = "esimerkkikaupunki.fi"
PILOT_UNIT_IDS = ("viestinta", "kaupunkisuunnittelu", "varhaiskasvatus")


@dataclass(frozen=True)
class Scale:
    """How big the demo organisation is and how much history it has."""

    name: str
    staff: int
    units: int  # units in total, sectors included
    levels: int  # 2: sectors > units; 3: sectors > departments > units
    idea_years: int
    survey_rounds: int
    rounds_per_year: int
    baseline_round: int  # index of the survey round the programme starts after
    improvement_years: float  # how long after the start the survey indicators keep rising
    team_waves: tuple[int, ...]  # teams started in each programme year, pilots first
    peers: int
    new_units: int  # units created during the history
    response_rate: tuple[float, float]
    practice_share: float  # share of implemented ideas written up as good practices


SCALES: dict[str, Scale] = {
    "imatra": Scale(
        name="imatra",
        staff=2300,
        units=40,
        levels=2,
        idea_years=2,
        survey_rounds=3,
        rounds_per_year=1,
        baseline_round=0,
        improvement_years=2.0,
        team_waves=(3,),
        peers=3,
        new_units=0,
        response_rate=(0.60, 0.85),
        practice_share=0.06,
    ),
    "city": Scale(
        name="city",
        staff=40_000,
        units=400,
        levels=3,
        idea_years=10,
        survey_rounds=20,
        rounds_per_year=2,
        baseline_round=6,
        improvement_years=4.0,
        team_waves=(3, 4, 5, 5, 6, 6),
        peers=4,
        new_units=8,
        response_rate=(0.60, 0.85),
        practice_share=0.015,
    ),
}


@dataclass(frozen=True)
class DemoFile:
    """One written contract file, in the order it must be imported."""

    kind: str
    path: Path
    round_id: str | None = None


COLUMNS: dict[str, tuple[str, ...]] = {
    "organisations": ("org_id", "name", "group", "home"),
    "units": (
        "unit_id",
        "name",
        "headcount",
        "parent_id",
        "org_id",
        "supervisors",
        "head_email",
        "change_agent",
        "as_of",
    ),
    "teams": ("team_id", "name", "unit_id", "started_on", "ended_on", "change_agent"),
    "ideas": (
        "idea_id",
        "unit_id",
        "submitted_on",
        "title",
        "status",
        "description",
        "category",
        "status_changed_on",
        "decided_on",
        "implemented_on",
        "submitter",
        "anonymous",
        "merged_into",
        "team_id",
        "benefit_hours_per_year",
        "benefit_eur_per_year",
    ),
    "projects": (
        "project_id",
        "team_id",
        "title",
        "status",
        "goal",
        "phase",
        "started_on",
        "due_on",
        "done_on",
        "progress_pct",
        "measure",
        "baseline_value",
        "target_value",
        "result_value",
    ),
    "milestones": ("milestone_id", "project_id", "title", "due_on", "reached_on"),
    "activities": (
        "activity_id",
        "kind",
        "held_on",
        "title",
        "unit_id",
        "org_id",
        "participants",
        "supervisors",
    ),
    "practices": (
        "practice_id",
        "title",
        "summary",
        "unit_id",
        "org_id",
        "idea_id",
        "project_id",
        "tags",
        "published_on",
    ),
    "survey_rounds": ("round_id", "name", "closed_on", "opened_on"),
    "survey_items": (
        "item_id",
        "text_fi",
        "indicator",
        "text_en",
        "text_sv",
        "scale_max",
        "reverse",
    ),
}

# Separate random streams, so that changing how one part is drawn leaves the others as they were.
_STREAMS = {
    "units": 1,
    "ideas": 2,
    "teams": 3,
    "activities": 4,
    "practices": 5,
    "survey": 6,
    "history": 7,
    "projects": 8,
}

# ---------------------------------------------------------------------------- catalogues

PEERS = (  # org_id, name, genitive
    ("JARVENRANTA", "Järvenranta", "Järvenrannan"),
    ("KUUSINIEMI", "Kuusiniemi", "Kuusiniemen"),
    ("HARJUVAARA", "Harjuvaara", "Harjuvaaran"),
    ("SELKALA", "Selkälä", "Selkälän"),
)

# Sectors and their departments: (name, genitive, base staff, domain, at imatra scale, children).
# Children are what sits under a department at the city scale: a tuple of unit names, or the
# name of a kind of unit that is generated from district names (see _CHILD_KINDS).
SECTORS = (
    (
        "Konsernipalvelut",
        "konsernipalveluiden",
        (
            ("Viestintä", "viestinnän", 12, "comms", True,
             ("Sisäinen viestintä", "Markkinointi ja tapahtumat", "Verkkoviestintä",
              "Graafinen suunnittelu")),
            ("Talouspalvelut", "talouspalveluiden", 26, "admin", True,
             ("Kirjanpito", "Laskentapalvelut", "Budjetointi ja talousanalyysi", "Reskontra")),
            ("Henkilöstöpalvelut", "henkilöstöpalveluiden", 20, "admin", True,
             ("Rekrytointi", "Työhyvinvointi", "Henkilöstön kehittäminen")),
            ("Palkkapalvelut", "palkkapalveluiden", 20, "admin", False,
             ("Palkanlaskenta", "Palvelussuhdeasiat")),
            ("Tietohallinto", "tietohallinnon", 18, "admin", True,
             ("Käyttäjätuki", "Sovelluspalvelut", "Tietoturva ja infra", "Digikehitys")),
            ("Hallinto- ja lakipalvelut", "hallinnon", 5, "admin", True,
             ("Lakipalvelut", "Kirjaamo ja arkisto", "Kokouspalvelut")),
            ("Hankintapalvelut", "hankintapalveluiden", 4, "admin", True,
             ("Hankintojen valmistelu", "Sopimushallinta")),
            ("Strategia ja kehittäminen", "kehittämispalveluiden", 12, "admin", False,
             ("Tietopalvelut", "Kehittämispalvelut")),
            ("Sisäinen tarkastus", "sisäisen tarkastuksen", 5, "admin", False, ()),
        ),
    ),
    (
        "Kaupunkikehitys",
        "kaupunkikehityksen",
        (
            ("Kaupunkisuunnittelu", "kaupunkisuunnittelun", 30, "planning", True,
             ("Yleiskaavoitus", "Asemakaavoitus, keskusta", "Asemakaavoitus, esikaupungit",
              "Maisemasuunnittelu", "Kaavoituksen vuorovaikutus")),
            ("Rakennusvalvonta", "rakennusvalvonnan", 12, "planning", True,
             ("Lupapalvelut", "Rakennustarkastus", "Rakennusneuvonta")),
            ("Maankäyttö ja kiinteistöt", "maankäytön", 14, "planning", True,
             ("Tonttipalvelut", "Maanhankinta", "Vuokraus")),
            ("Elinvoimapalvelut", "elinvoimapalveluiden", 9, "admin", True,
             ("Yrityspalvelut", "Matkailu ja tapahtumat", "Kansainväliset asiat")),
            ("Ympäristöpalvelut", "ympäristöpalveluiden", 16, "planning", True,
             ("Ympäristönsuojelu", "Ilmanlaatu ja melu", "Luonnonsuojelu")),
            ("Paikkatietopalvelut", "paikkatietopalveluiden", 6, "planning", True,
             ("Kartastot", "Mittaus")),
            ("Liikennesuunnittelu", "liikennesuunnittelun", 14, "planning", False,
             ("Liikenneturvallisuus", "Joukkoliikenne", "Pyöräily ja kävely")),
            ("Asuntopalvelut", "asuntopalveluiden", 8, "admin", False,
             ("Asuntoneuvonta", "Asuntokaupat")),
        ),
    ),
    (
        "Sivistys",
        "sivistyksen",
        (
            ("Varhaiskasvatus", "varhaiskasvatuksen", 300, "ece", True, "paivakoti"),
            ("Perusopetus", "perusopetuksen", 300, "school", True, "koulu"),
            ("Lukiokoulutus", "lukiokoulutuksen", 65, "school", True, "lukio"),
            ("Kansalaisopisto", "kansalaisopiston", 22, "culture", True,
             ("Kielet ja kulttuuri", "Taito- ja taideaineet", "Liikunta ja terveys")),
            ("Musiikkiopisto", "musiikkiopiston", 30, "culture", True,
             ("Varhaisiän musiikkikasvatus", "Soitonopetus")),
            ("Oppilashuolto", "oppilashuollon", 28, "school", True,
             ("Koulupsykologit", "Koulukuraattorit")),
            ("Opetuksen tukipalvelut", "opetuksen tukipalveluiden", 20, "school", False,
             ("Koulukuljetukset", "Oppimateriaalit", "Kouluavustajat")),
            ("Aamu- ja iltapäivätoiminta", "iltapäivätoiminnan", 30, "school", False, "region"),
        ),
    ),
    (
        "Kulttuuri ja vapaa-aika",
        "kulttuuri- ja vapaa-aikapalveluiden",
        (
            ("Kirjasto", "kirjaston", 34, "library", True, "kirjasto"),
            ("Kulttuuripalvelut", "kulttuuripalveluiden", 14, "culture", True,
             ("Kulttuuritalo", "Tapahtumatuotanto", "Taidekasvatus")),
            ("Museopalvelut", "museon", 5, "culture", True, ("Kaupunginmuseo", "Taidemuseo")),
            ("Liikuntapalvelut", "liikuntapalveluiden", 40, "sports", True, "liikunta"),
            ("Nuorisopalvelut", "nuorisopalveluiden", 22, "youth", True, "nuoriso"),
            ("Kaupunginorkesteri", "orkesterin", 60, "culture", False, ()),
            ("Kaupunginteatteri", "teatterin", 50, "culture", False,
             ("Näyttämö", "Tekniikka ja lavastamo")),
        ),
    ),
    (
        "Hyvinvointi",
        "hyvinvointipalveluiden",
        (
            ("Työllisyyspalvelut", "työllisyyspalveluiden", 38, "employment", True,
             ("Työnhakijapalvelut", "Työnantajapalvelut", "Palkkatuki ja työkokeilut",
              "Kuntouttava työtoiminta")),
            ("Hyvinvoinnin edistäminen", "hyvinvoinnin edistämisen", 3, "admin", True, ()),
            ("Kotoutumispalvelut", "kotoutumispalveluiden", 6, "employment", True, ()),
            ("Ohjaamo", "Ohjaamon", 8, "youth", True, ()),
            ("Asiakaspalvelukeskus", "asiakaspalvelukeskuksen", 22, "admin", True,
             ("Palvelupiste keskusta", "Puhelinpalvelu", "Sähköinen asiointi")),
            ("Nuorten työpajat", "työpajojen", 16, "youth", False,
             ("Puutyöpaja", "Mediapaja", "Kädentaitopaja")),
            ("Asukastalot", "asukastalojen", 6, "youth", False, "asukastalo"),
        ),
    ),
    (
        "Tekninen toimi",
        "teknisen toimen",
        (
            ("Kuntatekniikka", "kuntatekniikan", 75, "tech", True, "region"),
            ("Tilapalvelut", "tilapalveluiden", 55, "tech", True,
             ("Kiinteistönhoito", "Rakennuttaminen", "Kunnossapito", "Energianhallinta")),
            ("Ruokapalvelut", "ruokapalveluiden", 110, "food", True, "keittio"),
            ("Siivouspalvelut", "siivouspalveluiden", 100, "tech", True, "region"),
            ("Katu- ja viheralueet", "viheralueiden", 60, "tech", True, "region"),
            ("Varikko", "varikon", 30, "tech", True, ("Konekeskus", "Korjaamo", "Varasto")),
            ("Pysäköinninvalvonta", "pysäköinninvalvonnan", 25, "tech", False, ()),
        ),
    ),
)  # fmt: skip

# Generated child units: name pattern ({n} district, {g} its genitive), genitive, base staff and
# how many of the generated children each kind takes (a weight; "region" is capped at 5).
_CHILD_KINDS = {
    "paivakoti": ("Päiväkoti {n}", "päiväkodin", 28, 100),
    "koulu": ("{g} koulu", "koulun", 70, 55),
    "lukio": ("{g} lukio", "lukion", 80, 5),
    "kirjasto": ("{g} kirjasto", "kirjaston", 14, 14),
    "liikunta": ("{g} liikuntakeskus", "liikuntakeskuksen", 20, 10),
    "nuoriso": ("{g} nuorisotila", "nuorisotilan", 5, 14),
    "asukastalo": ("{g} asukastalo", "asukastalon", 4, 8),
    "keittio": ("{g} keittiö", "keittiön", 18, 30),
    "region": ("{d}, {r} alue", "", 40, 5),
}
_REGIONS = ("pohjoinen", "eteläinen", "itäinen", "läntinen", "keskinen")
_SMALL_STAFF = 6  # a unit with this base staff or fewer keeps 3–6 staff: an under-5 survey group

# Fictional district names: a tree or creature plus a landform, e.g. Koivumäki, Koivumäen.
_DISTRICT_PREFIXES = (
    "Koivu", "Mänty", "Kuusi", "Haapa", "Leppä", "Paju", "Tammi", "Vaahtera", "Pihlaja",
    "Kataja", "Pelto", "Niitty", "Kivi", "Salmi", "Järvi", "Saari", "Suvi", "Kesä", "Sammal",
    "Kanerva", "Honka", "Kotka", "Kurki", "Joutsen", "Hirvi", "Kettu", "Karhu", "Tähti",
)  # fmt: skip
_DISTRICT_SUFFIXES = (  # nominative, genitive
    ("mäki", "mäen"), ("niemi", "niemen"), ("ranta", "rannan"), ("lahti", "lahden"),
    ("harju", "harjun"), ("laakso", "laakson"), ("kylä", "kylän"), ("puisto", "puiston"),
    ("rinne", "rinteen"), ("vaara", "vaaran"), ("kallio", "kallion"), ("lehto", "lehdon"),
    ("korpi", "korven"), ("salo", "salon"),
)  # fmt: skip

FIRST_NAMES = (
    "Anna", "Maria", "Laura", "Johanna", "Sari", "Minna", "Tiina", "Päivi", "Heidi", "Satu",
    "Elina", "Kaisa", "Riikka", "Hanna", "Katja", "Outi", "Merja", "Jaana", "Noora", "Emilia",
    "Mikko", "Juha", "Timo", "Jari", "Antti", "Markku", "Petri", "Janne", "Ville", "Sami",
    "Tuomas", "Matti", "Kari", "Pekka", "Heikki", "Olli", "Eero", "Lauri", "Jussi", "Teemu",
)  # fmt: skip
LAST_NAMES = (
    "Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine",
    "Heikkinen", "Koskinen", "Järvinen", "Lehtonen", "Lehtinen", "Saarinen", "Salminen",
    "Heinonen", "Niemi", "Heikkilä", "Kinnunen", "Salonen", "Turunen", "Salo", "Laitinen",
    "Tuominen", "Rantanen", "Karjalainen", "Jokinen", "Mattila", "Savolainen", "Lahtinen",
    "Ahonen", "Hiltunen", "Leppänen", "Kokkonen", "Manninen", "Lindholm", "Seppälä",
)  # fmt: skip

CATEGORIES = (  # category, share of ideas
    ("Työn sujuvuus", 0.30),
    ("Digitalisaatio", 0.20),
    ("Asiakaspalvelu", 0.18),
    ("Viestintä", 0.12),
    ("Työhyvinvointi", 0.12),
    ("Kestävä kehitys", 0.08),
)

# Idea titles per category: (template, tags). {g} is the unit's genitive, e.g. "kirjaston".
IDEA_TITLES = {
    "Asiakaspalvelu": (
        ("Sähköinen ajanvaraus {g} tiloihin", "ajanvaraus;tilat"),
        ("Asiakaspalautteen kerääminen QR-koodilla {g} toimipisteissä", "palaute;qr-koodi"),
        ("Selkokielinen ohje {g} palveluista", "selkokieli;ohjeet"),
        ("Asiakaspalautteisiin vastaaminen viikon sisällä", "palaute"),
        ("Yksi puhelinnumero {g} asiakasneuvontaan", "neuvonta;puhelin"),
        ("Opasteiden uusiminen {g} sisäänkäynnillä", "opasteet;saavutettavuus"),
        ("Usein kysytyt kysymykset verkkosivuille", "verkkosivut;neuvonta"),
        ("Asiakkaan palvelupolun kuvaaminen", "palvelumuotoilu"),
        ("Palautelaatikko {g} verkkosivuille", "palaute;verkkosivut"),
        ("Asiointi ilman ajanvarausta yhtenä iltana viikossa", "aukioloajat"),
        ("Asiakastiedotteet myös englanniksi ja ruotsiksi", "kielet;tiedotus"),
        ("Jonotusnumerot tekstiviestillä", "jonotus"),
    ),
    "Työn sujuvuus": (
        ("Yhteinen kalenteri {g} lomille ja poissaoloille", "kalenteri;poissaolot"),
        ("Kaikki {g} ohjeet yhteen kansioon", "ohjeet"),
        ("Viikkopalaverin asialista etukäteen Teamsiin", "kokoukset"),
        ("Kokousten pituudeksi 45 minuuttia", "kokoukset"),
        ("Tarvikkeiden tilaaminen keskitetysti kerran kuussa", "hankinnat"),
        ("Päällekkäisten kirjausten poistaminen", "kirjaaminen"),
        ("Lomakkeiden yhtenäistäminen {g} toimipisteissä", "lomakkeet"),
        ("Tiimin tehtävälista yhteiseen näkymään", "tehtävät"),
        ("Sijaisjärjestelyistä sopiminen etukäteen", "sijaiset"),
        ("Vakiovastaukset usein kysyttyihin sähköposteihin", "sähköposti"),
        ("Lomakauden sijaissuunnitelma jo keväällä", "sijaiset;lomat"),
        ("Yhteinen tehtäväjono sähköpostin sijaan", "tehtävät"),
        ("Yhteiset avainkaapit {g} toimipisteisiin", "avaimet"),
    ),
    "Viestintä": (
        ("Sisäinen uutiskirje kerran kuussa", "uutiskirje"),
        ("Muutoksista kertominen ennen kuin ne tulevat voimaan", "muutosviestintä"),
        ("Johtoryhmän päätökset tiivistelmänä koko henkilöstölle", "johtoryhmä;tiedotus"),
        ("Infotaulu {g} taukotilaan", "infotaulu"),
        ("Esihenkilöiden viikkotiedote", "esihenkilöt;tiedotus"),
        ("Intranetin hakutoiminnon parantaminen", "intranet"),
        ("Yhteinen Teams-kanava {g} ajankohtaisille asioille", "teams"),
        ("Uusien työntekijöiden esittely kuukausikirjeessä", "perehdytys"),
        ("Kuukausittainen info {g} henkilöstölle", "info"),
        ("Päätösten perustelut näkyviin intranetiin", "intranet;päätökset"),
        ("Kysy johdolta -kanava", "johto;vuorovaikutus"),
    ),
    "Digitalisaatio": (
        ("Paperisten lomakkeiden korvaaminen sähköisillä", "lomakkeet;paperiton"),
        ("Sähköinen allekirjoitus sopimuksiin", "allekirjoitus"),
        ("Chatbot vastaamaan usein kysyttyihin kysymyksiin", "chatbot"),
        ("Laskujen käsittelyn automatisointi", "automaatio;laskut"),
        ("Työvuorolistat mobiilisovellukseen", "työvuorot;mobiili"),
        ("Tablettien käyttöönotto {g} kirjauksissa", "tabletit;kirjaaminen"),
        ("Ohjelmistorobotti kuukausiraportointiin", "robotiikka;raportointi"),
        ("Etäyhteys asiakastapaamisiin", "etäpalvelu"),
        ("Sähköinen avainhallinta", "kulunvalvonta"),
        ("Matkalaskut mobiilisovellukseen", "matkalaskut;mobiili"),
        ("Yhteiset sähköiset lomakepohjat {g} käyttöön", "lomakkeet"),
    ),
    "Työhyvinvointi": (
        ("Taukoliikunta osaksi {g} työpäivää", "liikunta;tauot"),
        ("Hiljainen työtila {g} toimistoon", "työtilat"),
        ("Kuukausittainen kehittämisvartti tiimeille", "kehittäminen"),
        ("Uusille työntekijöille nimetty perehdyttäjä", "perehdytys"),
        ("Etätyön yhteiset pelisäännöt", "etätyö"),
        ("Työkierto {g} tiimien välillä", "työkierto"),
        ("Onnistumisten jakaminen viikkopalaverissa", "palaute"),
        ("Ergonomiakartoitus {g} työpisteisiin", "ergonomia"),
        ("Kävelypalaverit", "liikunta"),
        ("Yhteinen virkistyspäivä {g} tiimeille", "virkistys"),
        ("Vertaistuki uusille esihenkilöille", "esihenkilöt"),
    ),
    "Kestävä kehitys": (
        ("Ruokahävikin seuranta ja vähentäminen", "ruokahävikki"),
        ("Kierrätyspisteet {g} taukotiloihin", "kierrätys"),
        ("Sähköpyörät työajoihin", "liikkuminen"),
        ("Tulostimien määrän vähentäminen", "paperiton"),
        ("Valojen ohjaus liiketunnistimilla", "energia"),
        ("Kimppakyydit työmatkoille", "liikkuminen"),
        ("Kertakäyttöastioista luopuminen kokouksissa", "kierrätys"),
        ("Kalusteiden kierrätys toimipisteiden kesken", "kierrätys;kalusteet"),
        ("Kahvinporot kompostiin", "kierrätys"),
        ("Sähköiset kokousmateriaalit tulosteiden sijaan", "paperiton"),
        ("Lämpötilan seuranta {g} tiloissa", "energia"),
    ),
}

# Ideas only a unit of one domain would send: (category, title, tags).
DOMAIN_TITLES = {
    "ece": (
        ("Työn sujuvuus", "Sijaisten kutsuminen tekstiviestillä", "sijaiset"),
        ("Viestintä", "Vanhempainviestintä yhteen sovellukseen", "vanhemmat;sovellus"),
        ("Kestävä kehitys", "Päiväkotien ruokalistojen yhtenäistäminen", "ruoka"),
        ("Kestävä kehitys", "Ulkovaatteiden kierrätyspiste vanhemmille", "kierrätys"),
        ("Asiakaspalvelu", "Lapsen päivästä kuvaviesti vanhemmille", "vanhemmat"),
        ("Digitalisaatio", "Varhaiskasvatussuunnitelman pohja sähköiseksi", "vasu;lomakkeet"),
        ("Työhyvinvointi", "Yhteinen suunnitteluaika tiimeille", "suunnitteluaika"),
    ),
    "planning": (
        ("Digitalisaatio", "Kaavoituksen vaiheet karttapalveluun", "kaavoitus;kartat"),
        ("Viestintä", "Asukastilaisuuksien tallenteet verkkoon", "asukkaat;osallisuus"),
        ("Työn sujuvuus", "Lausuntopyyntöjen seuranta yhteiseen taulukkoon", "lausunnot"),
        ("Työn sujuvuus", "Kaavaselostuksille yhtenäinen pohja", "kaavoitus"),
        ("Asiakaspalvelu", "Karttapohjaiset asukaskyselyt", "asukkaat;kartat"),
        ("Digitalisaatio", "Rakennuslupien sähköinen neuvonta-aika", "luvat;ajanvaraus"),
    ),
    "comms": (
        ("Viestintä", "Sosiaalisen median julkaisukalenteri koko kaupungille", "some"),
        ("Viestintä", "Tiedotepohja selkokielelle", "selkokieli;tiedotteet"),
        ("Digitalisaatio", "Intranetin etusivun uudistus", "intranet"),
        ("Työn sujuvuus", "Kuvapankki kaikkien yksiköiden käyttöön", "kuvapankki"),
        ("Viestintä", "Kriisiviestinnän ohjeen päivitys", "kriisiviestintä"),
        ("Työn sujuvuus", "Tiedotteiden hyväksyntä yhdessä kanavassa", "tiedotteet"),
    ),
    "library": (
        ("Asiakaspalvelu", "Omatoimikirjaston aukioloajan pidentäminen", "aukioloajat"),
        ("Digitalisaatio", "Kirjaston tilojen sähköinen varaus", "tilat;ajanvaraus"),
        ("Kestävä kehitys", "Tavaralainaamo kirjastoon", "kiertotalous"),
        ("Viestintä", "Kirjaston tapahtumat yhteiseen kalenteriin", "tapahtumat"),
        ("Asiakaspalvelu", "Kotipalvelukirjaston tilaus verkossa", "kotipalvelu"),
    ),
    "school": (
        ("Digitalisaatio", "Poissaoloilmoitukset sovellukseen", "poissaolot;sovellus"),
        ("Kestävä kehitys", "Kokeiden tulostamisesta luopuminen", "paperiton"),
        ("Työhyvinvointi", "Opettajien vertaismentorointi", "mentorointi"),
        ("Viestintä", "Wilma-viesteille yhteinen pohja", "wilma"),
        ("Työn sujuvuus", "Sijaisopettajien perehdytyskansio", "sijaiset;perehdytys"),
        ("Asiakaspalvelu", "Vanhempainillat myös etänä", "vanhemmat;etäpalvelu"),
    ),
    "food": (
        ("Digitalisaatio", "Ruokailijamäärien ennakkoilmoitus sähköisesti", "ruokahävikki"),
        ("Kestävä kehitys", "Tähteiden punnitus ja seuranta", "ruokahävikki"),
        ("Kestävä kehitys", "Kasvisruokapäivä kahdesti viikossa", "kasvisruoka"),
        ("Työn sujuvuus", "Ruokalistojen suunnittelu yhteisellä ohjelmalla", "ruokalistat"),
        ("Asiakaspalvelu", "Erityisruokavalioiden tilaus sähköisesti", "erityisruokavaliot"),
    ),
    "tech": (
        ("Asiakaspalvelu", "Katuvalojen vikailmoitus karttapalvelussa", "vikailmoitus;kartat"),
        ("Viestintä", "Työmaista tekstiviesti lähiasukkaille", "asukkaat;työmaat"),
        ("Digitalisaatio", "Kalustovaraukset sähköiseen järjestelmään", "kalusto"),
        ("Työn sujuvuus", "Työkoneiden huoltovuorot yhteiseen kalenteriin", "kalusto;huolto"),
        ("Kestävä kehitys", "Sähkökäyttöiset pienkoneet viheralueille", "energia;kalusto"),
        ("Työhyvinvointi", "Lämmin taukotila ulkotöihin", "tauot;työtilat"),
    ),
    "culture": (
        ("Asiakaspalvelu", "Lippujen myynti myös verkkokaupassa", "liput;verkkokauppa"),
        ("Viestintä", "Tapahtumakalenteri koko kaupungille", "tapahtumat"),
        ("Kestävä kehitys", "Lavasteiden ja rekvisiitan kierrätys", "kierrätys"),
    ),
    "sports": (
        ("Digitalisaatio", "Vuorovarausten sähköinen haku", "vuorovaraus"),
        ("Asiakaspalvelu", "Uimahallin ruuhkatilanne verkkoon", "ruuhka"),
        ("Kestävä kehitys", "Kenttien valaistus ajastimella", "energia"),
    ),
    "youth": (
        ("Viestintä", "Nuorisotilojen aukiolot someen", "some;aukioloajat"),
        ("Asiakaspalvelu", "Nuorten palautekysely kerran vuodessa", "palaute;nuoret"),
        ("Digitalisaatio", "Chat-palvelu nuorille iltaisin", "chat;nuoret"),
    ),
    "employment": (
        ("Asiakaspalvelu", "Työnhakijoiden ryhmäinfot etänä", "etäpalvelu"),
        ("Työn sujuvuus", "Yrityskäyntien yhteinen kalenteri", "yritykset;kalenteri"),
        ("Digitalisaatio", "Palkkatukihakemuksen sähköinen tarkistuslista", "palkkatuki"),
    ),
    "admin": (
        ("Työn sujuvuus", "Hyväksymiskierrosten lyhentäminen", "hyväksyntä"),
        ("Digitalisaatio", "Sopimusten sähköinen arkisto", "sopimukset;arkisto"),
        ("Viestintä", "Palveluluettelo intranetiin", "intranet"),
    ),
}
_DOMAIN_TITLE_SHARE = 0.25
# Endings that vary a title: the same idea comes in many shapes.
_TITLE_ENDINGS = (" kokeiluna", " koko yksikössä", " ensin yhdessä tiimissä", " ensi vuoden alusta")
_TITLE_ENDING_SHARE = 0.3

_IDEA_REASONS = (
    "Nykyinen käytäntö vie turhaan aikaa.",
    "Asiakkaat kysyvät tätä usein.",
    "Sama tieto kirjataan nyt kahteen paikkaan.",
    "Tieto ei nyt kulje kaikille.",
    "Säästäisi paperia ja postikuluja.",
    "Kokeilimme tätä pienesti, ja se toimi.",
    "Naapurikunnissa tämä on jo käytössä.",
    "Työkaverit ovat toivoneet tätä pitkään.",
)
_IDEA_OFFERS = (
    "Ehdotan kokeilua ensin yhdessä tiimissä.",
    "Voin olla itse mukana kokeilussa.",
    "Kustannukset olisivat pienet.",
    "Tarvitaan tietohallinnon apua.",
    "",
)

# Projects: (title, measure, baseline, target). Pilot units have their own; later teams draw
# from the general list.
PILOT_PROJECTS = {
    "viestinta": (
        ("Sisäisen viestinnän kanavien selkeyttäminen", "Tiedon saa ajoissa (%)", 45, 65),
        ("Muutosviestinnän malli esihenkilöille", "Mallia käyttävät yksiköt (%)", 0, 80),
        ("Intranetin uutisvirran uudistus", "Intranetin viikkokäyttäjät (hlö)", 800, 1400),
        ("Selkokielinen tiedotepohja", "Asiakastyytyväisyys (1–5)", 3.4, 4.0),
    ),
    "kaupunkisuunnittelu": (
        ("Kaavoituksen asukasvuorovaikutuksen uudistus", "Osallistujat tilaisuuksissa (hlö)",
         40, 120),
        ("Lausuntokierroksen sähköinen seuranta", "Lausuntojen käsittelyaika (pv)", 45, 30),
        ("Poikkeamislupien käsittelyn nopeuttaminen", "Käsittelyaika (pv)", 60, 35),
        ("Karttapalvelun käytettävyys", "Asiakastyytyväisyys (1–5)", 3.2, 4.0),
    ),
    "varhaiskasvatus": (
        ("Sijaisten hankinnan keskittäminen", "Sijaisten hankintaan käytetty aika (h/vko)",
         12, 5),
        ("Vanhempainviestintä yhteen sovellukseen", "Asiakastyytyväisyys (1–5)", 3.6, 4.2),
        ("Päiväkotien ruokahävikin vähentäminen", "Ruokahävikki (g/ateria)", 35, 20),
        ("Uuden työntekijän perehdytysmalli", "Perehdytykseen tyytyväiset (%)", 60, 85),
    ),
}  # fmt: skip
GENERAL_PROJECTS = (
    ("Asiakaspalautteen käsittelyn nopeuttaminen", "Käsittelyaika (pv)", 21, 7),
    ("Päivittäisjohtamisen taulu käyttöön", "Kehittämisideat tiimiltä (kpl/kk)", 1, 4),
    ("Paperittomaan työhön siirtyminen", "Tulosteet (sivua/kk)", 4000, 1500),
    ("Sairauspoissaolojen vähentäminen", "Sairauspoissaolot (pv/htv)", 14, 11),
    ("Palvelupolun kuvaaminen asiakkaan näkökulmasta", "Asiakastyytyväisyys (1–5)", 3.5, 4.1),
    ("Kokouskäytäntöjen uudistus", "Kokouksiin käytetty aika (h/vko)", 6, 4),
    ("Yhteinen tehtävienhallinta", "Myöhästyneet tehtävät (%)", 25, 10),
    ("Perehdytyksen yhtenäistäminen", "Perehdytykseen tyytyväiset (%)", 55, 80),
    ("Työvuorosuunnittelun sujuvoittaminen", "Vuorolistan laatimiseen käytetty aika (h/kk)", 16, 8),
)
MILESTONE_FIRST = "Nykytilan kartoitus valmis"
MILESTONE_MIDDLE = (
    "Kokeilusuunnitelma hyväksytty",
    "Kokeilu käynnistetty",
    "Henkilöstön palaute kerätty",
    "Väliarvio tehty",
    "Uusi toimintamalli kuvattu",
)
MILESTONE_LAST = ("Tulokset esitelty johtoryhmälle", "Uusi toimintatapa vakiintunut")

WORKSHOP_TOPICS = (
    "Muutoksen johtaminen",
    "Valmentava johtaminen",
    "Ideoiden käsittely ja palaute",
    "Vuorovaikutus muutoksessa",
    "Työhyvinvoinnin johtaminen",
    "Kokeilujen johtaminen",
)
SEMINAR_TOPICS = (
    "Henkilöstö kehittäjänä",
    "Kokeilukulttuuri kunnissa",
    "Ideasta käytäntöön",
    "Muutosagentit kuntatyössä",
    "Kehittämisen mittaaminen",
)
TRAININGS = (
    "Lean-ajattelun perusteet",
    "Palvelumuotoilun työkalut",
    "Kokeilujen suunnittelu ja arviointi",
    "Muutosagenttien valmennus",
    "Fasilitointitaidot",
    "Prosessien kuvaaminen",
)
PEER_PRACTICES = (
    ("Ideoiden käsittely kahden viikon sykleissä", "käsittely;ideat"),
    ("Esihenkilöiden vertaismentorointi", "esihenkilöt;mentorointi"),
    ("Kokeilurahasto henkilöstön ideoille", "kokeilut;rahoitus"),
    ("Muutosagenttien verkosto yli toimialarajojen", "muutosagentit"),
    ("Kuukauden kehittäjä -palkinto tiimeille", "kannustimet"),
)

# Survey items: (item_id, indicator, reverse, item level on the latent scale, fi, en, sv).
SURVEY_ITEMS = (
    ("sat1", "satisfaction", False, 0.3,
     "Olen kokonaisuutena tyytyväinen työhöni.",
     "Overall, I am satisfied with my job.",
     "Jag är på det hela taget nöjd med mitt arbete."),
    ("sat2", "satisfaction", False, -0.2,
     "Suosittelisin työpaikkaani ystävälleni.",
     "I would recommend my workplace to a friend.",
     "Jag skulle rekommendera min arbetsplats till en vän."),
    ("sat3", "satisfaction", False, 0.5,
     "Työni on mielekästä.",
     "My work is meaningful.",
     "Mitt arbete är meningsfullt."),
    ("ic1", "internal_communication", False, 0.1,
     "Saan työni kannalta tarpeellisen tiedon ajoissa.",
     "I get the information I need for my work in time.",
     "Jag får den information jag behöver för mitt arbete i tid."),
    ("ic2", "internal_communication", False, -0.4,
     "Tieto kulkee hyvin yksiköiden välillä.",
     "Information flows well between units.",
     "Informationen går bra mellan enheterna."),
    ("ic3", "internal_communication", True, 0.0,
     "Tieto muutoksista tulee minulle usein liian myöhään.",
     "I often hear about changes too late.",
     "Jag får ofta veta om förändringar för sent."),
    ("cl1", "change_leadership", False, 0.3,
     "Esihenkilöni perustelee muutosten syyt ymmärrettävästi.",
     "My supervisor explains the reasons for changes clearly.",
     "Min chef förklarar orsakerna till förändringar på ett begripligt sätt."),
    ("cl2", "change_leadership", False, -0.3,
     "Voin vaikuttaa työtäni koskeviin muutoksiin.",
     "I can influence changes that concern my work.",
     "Jag kan påverka förändringar som gäller mitt arbete."),
    ("cl3", "change_leadership", False, -0.1,
     "Työyhteisössämme kokeillaan rohkeasti uusia toimintatapoja.",
     "Our work community boldly tries out new ways of working.",
     "Vår arbetsgemenskap prövar modigt nya arbetssätt."),
    ("cl4", "change_leadership", False, 0.1,
     "Kehittämisideoihin tartutaan työpaikallani.",
     "Development ideas are acted on at my workplace.",
     "Utvecklingsidéer tas till vara på min arbetsplats."),
    ("wb1", "wellbeing", False, 0.2,
     "Jaksan hyvin työssäni.",
     "I cope well at work.",
     "Jag orkar bra i mitt arbete."),
    ("wb2", "wellbeing", False, -0.6,
     "Työmääräni on kohtuullinen.",
     "My workload is reasonable.",
     "Min arbetsbörda är rimlig."),
    ("wb3", "wellbeing", False, 0.6,
     "Työyhteisössäni autetaan ja tuetaan toisia.",
     "In my work community, people help and support each other.",
     "I min arbetsgemenskap hjälper och stöder vi varandra."),
)  # fmt: skip
INDICATORS = ("satisfaction", "internal_communication", "change_leadership", "wellbeing")
# Organisation-wide favourable share at the baseline, and its relative change by the time the
# programme has had its full effect (the seed programme's reported +6 %, +33 %, +25 %).
BASELINE_FAVOURABLE = {
    "satisfaction": 0.66,
    "internal_communication": 0.45,
    "change_leadership": 0.48,
    "wellbeing": 0.62,
}
PROGRAMME_CHANGE_REL = {
    "satisfaction": 0.06,
    "internal_communication": 0.33,
    "change_leadership": 0.25,
    "wellbeing": 0.0,
}
# How far pilot and team units move on the latent scale at full progress: about +20 pp of
# favourable share in change leadership and internal communication, +8 pp in satisfaction.
PILOT_EFFECT = {
    "satisfaction": 0.35,
    "internal_communication": 0.95,
    "change_leadership": 0.95,
    "wellbeing": 0.0,
}
# Cut points of the latent attitude: answer = 1 + number of cuts below it, so 4–5
# (favourable) means the attitude is above 0.
_ANSWER_CUTS = np.array([-2.4, -1.2, 0.0, 1.7])
_PERSON_SD = 0.7  # a respondent's general mood, shared by all their answers
_PERSON_INDICATOR_SD = 0.4  # their view on one topic
_ITEM_NONRESPONSE = 0.03

# ------------------------------------------------------------------------------ entry points


def write_demo_files(
    out_dir: Path | str,
    *,
    scale: str = "imatra",
    seed: int = 1,
    as_of: date,
) -> list[DemoFile]:
    """Write the demo's contract files into out_dir; return them in import order.

    Deterministic: the same scale, seed and as_of give byte-identical files. The wall clock is
    never read; every date is on or before as_of.
    """
    params = SCALES[scale]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    world = _build_world(params, seed, as_of)
    files = [
        _write(out, "organisations", _organisation_rows(params)),
        _write(out, "units", _unit_rows(world)),
        _write(out, "teams", _team_rows(world)),
        _write(out, "ideas", world.idea_rows, as_text=False),
        _write(out, "projects", world.project_rows),
        _write(out, "milestones", world.milestone_rows),
        _write(out, "activities", _activity_rows(world, _rng(seed, "activities"))),
        _write(out, "practices", _practice_rows(world, _rng(seed, "practices"))),
        _write(out, "survey_rounds", _round_rows(world)),
        _write(out, "survey_items", _item_rows()),
    ]
    files += _write_survey_responses(out, world, _rng(seed, "survey"))
    return files


def build_demo(
    con,
    scale: str = "imatra",
    seed: int = 1,
    out_dir: Path | str | None = None,
    as_of: date | None = None,
) -> list:
    """Write the demo files and load each one through the importer; return the ImportResults.

    out_dir defaults to data/demo/<scale> and as_of to today. The importer checks dates against
    as_of, so a demo dated in the past or the future loads the same way.
    """
    from metrics.imports import import_file  # imported here: the importer may import this module

    as_of = as_of or date.today()
    out = Path(out_dir) if out_dir is not None else Path("data/demo") / scale
    files = write_demo_files(out, scale=scale, seed=seed, as_of=as_of)
    return [import_file(con, f.kind, f.path, round_id=f.round_id, today=as_of) for f in files]


# ----------------------------------------------------------------------------- the world


@dataclass
class _Unit:
    unit_id: str
    name: str
    parent_id: str | None
    sector: int
    genitive: str
    domain: str
    base_staff: float
    small: bool
    headcount: int = 0
    supervisors: int = 0
    head_email: str = ""
    change_agent: str = ""
    created_on: date | None = None
    earlier_headcount: int | None = None  # headcount before grew_on, if it changed
    grew_on: date | None = None
    pilot: bool = False  # in a pilot unit or under one


@dataclass(frozen=True)
class _Round:
    round_id: str
    name: str
    opened_on: date
    closed_on: date


@dataclass(frozen=True)
class _Team:
    team_id: str
    name: str
    unit: int
    started_on: date
    ended_on: date | None
    change_agent: str


@dataclass
class _World:
    scale: Scale
    as_of: date
    units: list[_Unit]
    rounds: list[_Round]
    programme_start: date
    ideas_from: date
    teams: list[_Team]
    # filled in by _build_ideas and _build_projects
    idea_rows: list[list] | None = None
    implemented_ideas: list[tuple] | None = None  # idea_id, unit, title, tags, date, hours
    project_rows: list[list] | None = None
    milestone_rows: list[list] | None = None
    done_projects: list[tuple] | None = None  # project_id, unit, title, done_on


def _rng(seed: int, stream: str) -> np.random.Generator:
    return np.random.default_rng([seed, _STREAMS[stream]])


def _build_world(scale: Scale, seed: int, as_of: date) -> _World:
    units = _build_units(scale, _rng(seed, "units"))
    rounds = _survey_rounds(scale, as_of)
    programme_start = _weekday_on_or_after(
        rounds[scale.baseline_round].closed_on + timedelta(days=30)
    )
    ideas_from = _years_before(as_of, scale.idea_years) + timedelta(days=1)
    _place_new_units(units, scale, _rng(seed, "history"), as_of)
    world = _World(scale, as_of, units, rounds, programme_start, ideas_from, [])
    world.teams = _build_teams(world, _rng(seed, "teams"))
    _build_ideas(world, _rng(seed, "ideas"))
    _build_projects(world, _rng(seed, "projects"))
    return world


# ------------------------------------------------------------------------------- units


def _build_units(scale: Scale, rng: np.random.Generator) -> list[_Unit]:
    units = _unit_tree(scale, rng)
    if len(units) != scale.units:
        raise AssertionError(f"{scale.name}: built {len(units)} units, expected {scale.units}")
    _fit_headcounts(units, scale.staff, rng)
    _mark_pilots(units)
    _staff_units(units, rng)
    return units


def _unit_tree(scale: Scale, rng: np.random.Generator) -> list[_Unit]:
    """Sectors, then their departments, then (city scale) the units under the departments."""
    sectors = [
        _Unit(_slug(name), name, None, index, genitive, "admin", rng.integers(2, 11), True)
        for index, (name, genitive, _) in enumerate(SECTORS)
    ]
    departments, children = [], []
    for index, (_, _, catalogue) in enumerate(SECTORS):
        for name, genitive, staff, domain, at_imatra, _ in catalogue:
            if scale.levels == 2 and not at_imatra:
                continue
            parent = sectors[index].unit_id
            small = staff <= _SMALL_STAFF
            unit = _Unit(_slug(name), name, parent, index, genitive, domain, staff, small)
            departments.append(unit)
    if scale.levels == 3:
        children = _department_children(scale, departments, len(sectors), rng)
        for department in departments:  # a department with units under it keeps a small staff
            if any(child.parent_id == department.unit_id for child in children):
                department.base_staff = int(rng.integers(3, 16))
                department.small = True
    units = sectors + departments + children
    _make_ids_unique(units)
    return units


def _department_children(
    scale: Scale, departments: list[_Unit], n_sectors: int, rng: np.random.Generator
) -> list[_Unit]:
    specs = {
        _slug(name): children for _, _, catalogue in SECTORS for name, *_, children in catalogue
    }
    fixed = [
        _Unit(_slug(name), name, d.unit_id, d.sector, d.genitive, d.domain,
              max(8.0, d.base_staff / len(specs[d.unit_id])), False)
        for d in departments
        if isinstance(specs[d.unit_id], tuple)
        for name in specs[d.unit_id]
    ]  # fmt: skip
    generated_parents = [d for d in departments if isinstance(specs[d.unit_id], str)]
    room = scale.units - n_sectors - len(departments) - len(fixed)
    kinds = [specs[d.unit_id] for d in generated_parents]
    weights = np.array([_CHILD_KINDS[k][3] for k in kinds], dtype=float)
    caps = [len(_REGIONS) if k == "region" else 10_000 for k in kinds]
    counts = _allocate(room, weights, caps)
    districts = _districts(rng)
    generated = []
    for parent, kind, count in zip(generated_parents, kinds, counts, strict=True):
        generated += _generated_children(parent, kind, count, districts)
    return fixed + generated


def _generated_children(
    parent: _Unit, kind: str, count: int, districts: list[tuple[str, str]]
) -> list[_Unit]:
    pattern, genitive, staff, _ = _CHILD_KINDS[kind]
    children = []
    for index in range(count):
        district, district_genitive = districts[index % len(districts)]
        region = _REGIONS[index % len(_REGIONS)]
        name = pattern.format(n=district, g=district_genitive, d=parent.name, r=region)
        children.append(
            _Unit(_slug(name), name, parent.unit_id, parent.sector, genitive or parent.genitive,
                  parent.domain, staff, staff <= _SMALL_STAFF)
        )  # fmt: skip
    return children


def _districts(rng: np.random.Generator) -> list[tuple[str, str]]:
    """Fictional district names in a seeded order: (nominative, genitive)."""
    names = [
        (prefix + suffix, prefix + genitive)
        for prefix in _DISTRICT_PREFIXES
        for suffix, genitive in _DISTRICT_SUFFIXES
    ]
    return [names[i] for i in rng.permutation(len(names))]


def _allocate(total: int, weights: np.ndarray, caps: list[int]) -> list[int]:
    """Split total into whole counts in proportion to weights, none above its cap."""
    counts = np.zeros(len(weights), dtype=int)
    open_ = np.ones(len(weights), dtype=bool)
    while counts.sum() < total and open_.any():
        left = total - counts.sum()
        share = weights * open_ / (weights * open_).sum() * left
        add = np.maximum(np.floor(share).astype(int), 0)
        if add.sum() == 0:  # hand out the remainder one at a time, largest share first
            add[int(np.argmax(share))] = 1
        counts = np.minimum(counts + add, caps)
        open_ = counts < np.array(caps)
    return counts.tolist()


def _make_ids_unique(units: list[_Unit]) -> None:
    seen: dict[str, int] = {}
    for unit in units:
        count = seen.get(unit.unit_id, 0)
        seen[unit.unit_id] = count + 1
        if count:
            unit.unit_id = f"{unit.unit_id}-{count + 1}"


def _fit_headcounts(units: list[_Unit], staff: int, rng: np.random.Generator) -> None:
    """Scale the units' base sizes so the organisation has `staff` people, 3 to 300 per unit.

    Sectors, departments with units under them and the designated small units keep their
    small staff: that is what gives survey groups under five respondents.
    """
    small = np.array([u.small for u in units])
    base = np.array([float(u.base_staff) for u in units])
    jitter = rng.lognormal(0.0, 0.25, len(units))
    sizes = np.where(small, base, base * jitter)
    small_sizes = np.array([rng.integers(3, 7) for _ in units])
    is_sector = np.array([u.parent_id is None for u in units])
    sizes = np.where(small & ~is_sector & (base <= _SMALL_STAFF), small_sizes, sizes)
    capped = np.zeros(len(units), dtype=bool)
    for _ in range(30):
        free = ~small & ~capped
        need = staff - sizes[~free].sum()
        sizes[free] *= need / sizes[free].sum()
        capped |= sizes >= 300
        sizes = np.clip(sizes, 3, 300)
    counts = np.round(sizes).astype(int)
    free_order = [i for i in np.argsort(-counts, kind="stable") if not small[i] and counts[i] < 300]
    step = 1 if staff > counts.sum() else -1
    for i in range(abs(staff - int(counts.sum()))):
        counts[free_order[i % len(free_order)]] += step
    for unit, count in zip(units, counts, strict=True):
        unit.headcount = int(count)


def _mark_pilots(units: list[_Unit]) -> None:
    by_id = {u.unit_id: u for u in units}
    for unit in units:
        current: _Unit | None = unit
        while current is not None:
            if current.unit_id in PILOT_UNIT_IDS:
                unit.pilot = True
                break
            current = by_id.get(current.parent_id) if current.parent_id else None


def _staff_units(units: list[_Unit], rng: np.random.Generator) -> None:
    """Heads, change agents (about 60 % of units, always in pilot units) and supervisors."""
    emails: dict[str, int] = {}
    for unit in units:
        span = rng.uniform(8, 12)  # staff per supervisor
        unit.supervisors = int(min(unit.headcount, max(1, round(unit.headcount / span))))
        first, last = _person(rng)
        local = f"{_ascii(first)}.{_ascii(last)}".lower()
        emails[local] = emails.get(local, 0) + 1
        suffix = str(emails[local]) if emails[local] > 1 else ""
        unit.head_email = f"{local}{suffix}@{EMAIL_DOMAIN}"
        if unit.pilot or rng.random() < 0.6:
            unit.change_agent = " ".join(_person(rng))


def _place_new_units(
    units: list[_Unit], scale: Scale, rng: np.random.Generator, as_of: date
) -> None:
    """Create a few units during the history and let some units grow, for the headcount history."""
    leaves = [i for i in _leaves(units) if not units[i].pilot]
    chosen = rng.choice(leaves, size=min(scale.new_units, len(leaves)), replace=False)
    history_days = (as_of - _years_before(as_of, scale.idea_years)).days
    for i in sorted(chosen.tolist()):
        offset = int(rng.integers(history_days // 5, history_days - 180))
        units[i].created_on = _years_before(as_of, scale.idea_years) + timedelta(days=offset)
    if scale.levels == 3:  # a growing city: some units grew two years ago
        for i in rng.choice(leaves, size=len(leaves) // 10, replace=False).tolist():
            if units[i].created_on is None and units[i].headcount >= 20:
                units[i].earlier_headcount = int(units[i].headcount * rng.uniform(0.75, 0.95))
                units[i].grew_on = _years_before(as_of, 2)


def _leaves(units: list[_Unit]) -> list[int]:
    """Units with a parent and no units under them."""
    parents = {u.parent_id for u in units}
    return [i for i, u in enumerate(units) if u.parent_id is not None and u.unit_id not in parents]


def _unit_rows(world: _World) -> list[list]:
    rows = []
    for u in world.units:
        if u.earlier_headcount is not None:  # the headcount from the start, then the new one
            earlier_supervisors = max(1, round(u.supervisors * u.earlier_headcount / u.headcount))
            rows.append(_unit_row(u, u.earlier_headcount, earlier_supervisors, None))
            rows.append(_unit_row(u, u.headcount, u.supervisors, u.grew_on))
        else:
            rows.append(_unit_row(u, u.headcount, u.supervisors, u.created_on))
    return rows


def _unit_row(u: _Unit, headcount: int, supervisors: int, as_of: date | None) -> list:
    return [
        u.unit_id,
        u.name,
        headcount,
        u.parent_id,
        HOME_ORG_ID,
        supervisors,
        u.head_email,
        u.change_agent,
        as_of,
    ]


def _headcount_on(unit: _Unit, day: date) -> int:
    if unit.created_on is not None and day < unit.created_on:
        return 0
    if unit.grew_on is not None and day < unit.grew_on:
        return unit.earlier_headcount or 0
    return unit.headcount


def _organisation_rows(scale: Scale) -> list[list]:
    rows = [[HOME_ORG_ID, HOME_NAME, "", True]]
    rows += [[org_id, name, "peer", False] for org_id, name, _ in PEERS[: scale.peers]]
    return rows


# ------------------------------------------------------------------------------- teams


def _build_teams(world: _World, rng: np.random.Generator) -> list[_Team]:
    """The three pilot teams first, then (city scale) yearly waves of teams in other units."""
    units = world.units
    teams = []
    for wave, size in enumerate(world.scale.team_waves):
        started = _weekday_on_or_after(_add_years(world.programme_start, wave) + timedelta(days=14))
        if started > world.as_of - timedelta(days=30):
            break
        for unit_index in _team_units(units, wave, size, teams, rng):
            unit = units[unit_index]
            if not unit.change_agent:
                unit.change_agent = " ".join(_person(rng))
            ended = started + timedelta(days=int(rng.integers(730, 900)))
            teams.append(
                _Team(
                    team_id=f"T{len(teams) + 1:02d}",
                    name=_team_name(unit, wave),
                    unit=unit_index,
                    started_on=started,
                    ended_on=ended if ended <= world.as_of - timedelta(days=14) else None,
                    change_agent=unit.change_agent,
                )
            )
    return teams


def _team_units(units, wave, size, teams, rng) -> list[int]:
    if wave == 0:
        return [next(i for i, u in enumerate(units) if u.unit_id == p) for p in PILOT_UNIT_IDS]
    taken = {t.unit for t in teams}
    candidates = [
        i
        for i in _leaves(units)
        if not units[i].pilot
        and units[i].headcount >= 15
        and units[i].created_on is None
        and i not in taken
    ]
    return sorted(rng.choice(candidates, size=size, replace=False).tolist())


def _team_name(unit: _Unit, wave: int) -> str:
    if wave == 0:
        return f"{unit.genitive[0].upper()}{unit.genitive[1:]} pilottitiimi"
    return f"Kehittämistiimi: {unit.name}"


def _team_rows(world: _World) -> list[list]:
    return [
        [t.team_id, t.name, world.units[t.unit].unit_id, t.started_on, t.ended_on, t.change_agent]
        for t in world.teams
    ]


# ------------------------------------------------------------------------------- ideas


def _build_ideas(world: _World, rng: np.random.Generator) -> None:
    unit_of, submitted = _idea_arrivals(world, rng)
    fate = _idea_fates(world, unit_of, submitted, rng)
    _point_merged_ideas(fate, unit_of)
    submitters = _idea_submitters(world, unit_of, rng)
    texts = _idea_texts(world, unit_of, rng)
    for i, target in enumerate(fate["merged_into"].tolist()):
        if target >= 0:  # a duplicate is merged: it was the same idea, sent again
            for field in ("title", "category", "tags"):
                texts[field][i] = texts[field][target]
    teams = _idea_teams(world, unit_of, submitted, rng)
    benefits = _idea_benefits(fate["status"], rng)
    # the idea file is the big one: its cells are made strings here, dates from a lookup
    iso = {0: ""} | {
        day: date.fromordinal(day).isoformat()
        for day in range(world.ideas_from.toordinal(), world.as_of.toordinal() + 1)
    }
    submitted_on, changed = submitted.tolist(), fate["changed"].tolist()
    decided, implemented_on = fate["decided"].tolist(), fate["implemented"].tolist()
    rows, implemented = [], []
    for i, unit_index in enumerate(unit_of.tolist()):
        idea_id = f"I{i + 1:06d}"
        status = fate["status"][i]
        hours, euros = benefits[i]
        rows.append(
            [
                idea_id,
                world.units[unit_index].unit_id,
                iso[submitted_on[i]],
                texts["title"][i],
                status,
                texts["description"][i],
                texts["category"][i],
                iso[changed[i]],
                iso[decided[i]],
                iso[implemented_on[i]],
                submitters[i] or "",
                "true" if submitters[i] is None else "false",
                _idea_id(fate["merged_into"][i]),
                teams[i],
                "" if hours is None else str(hours),
                "" if euros is None else str(euros),
            ]
        )
        if status == "implemented" and hours is not None:
            implemented.append(
                (idea_id, unit_index, texts["title"][i], texts["tags"][i],
                 date.fromordinal(implemented_on[i]), hours)
            )  # fmt: skip
    world.idea_rows = rows
    world.implemented_ideas = implemented


def _idea_arrivals(world: _World, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Poisson arrivals per unit and month; returns unit index and submission day, in order."""
    first, last = world.ideas_from.toordinal(), world.as_of.toordinal()
    months = _month_starts(world.ideas_from, world.as_of)
    starts = np.array([max(m.toordinal(), first) for m in months])
    ends = np.array([min(_next_month(m).toordinal() - 1, last) for m in months])
    created = np.array([(u.created_on or world.ideas_from).toordinal() for u in world.units])
    unit_starts = np.maximum(starts[None, :], created[:, None])
    days = np.maximum(ends[None, :] - unit_starts + 1, 0)
    middle = (starts + ends) / 2
    per_staff_year = 0.08 + 0.17 * _ramp(middle, world.programme_start, 0.5)
    season = np.array([_SEASON[m.month - 1] for m in months])
    headcount = np.array([u.headcount for u in world.units], dtype=float)
    eagerness = rng.lognormal(0.0, 0.45, len(world.units))
    eagerness *= np.array([1.6 if u.pilot else 1.0 for u in world.units])
    boost = np.ones(days.shape)
    for team in world.teams[len(PILOT_UNIT_IDS) :]:  # later teams get their units going too
        boost[team.unit] = np.where(middle >= team.started_on.toordinal(), 1.5, 1.0)
    rate = headcount[:, None] * eagerness[:, None] * (per_staff_year * season)[None, :] / 365
    counts = rng.poisson(rate * boost * days)
    cells = np.nonzero(counts)
    n = counts[cells]
    unit_of = np.repeat(cells[0], n)
    low = np.repeat(unit_starts[cells], n)
    high = np.repeat(ends[cells[1]], n)
    submitted = low + np.floor(rng.random(len(low)) * (high - low + 1)).astype(int)
    submitted = _mostly_weekdays(submitted, low, rng)
    order = np.lexsort((unit_of, submitted))
    return unit_of[order], submitted[order]


# Relative idea flow by month: quiet in the July holidays and at Christmas.
_SEASON = (1.0, 1.1, 1.15, 1.05, 1.0, 0.75, 0.3, 0.8, 1.15, 1.15, 1.1, 0.7)


def _mostly_weekdays(days: np.ndarray, earliest: np.ndarray, rng) -> np.ndarray:
    """Move most weekend submissions to the Friday before (never before the unit existed)."""
    weekday = (days - 1) % 7  # ordinal 1 (1 January of year 1) was a Monday
    weekend = weekday >= 5
    move = weekend & (rng.random(len(days)) < 0.85)
    friday = days - (weekday - 4)
    return np.where(move & (friday >= earliest), friday, days)


def _idea_fates(world: _World, unit_of, submitted, rng) -> dict[str, np.ndarray]:
    """Status and dates: a log-normal wait for the decision, then maybe implementation."""
    n = len(unit_of)
    as_of = world.as_of.toordinal()
    age = as_of - submitted
    slowness = _unit_slowness(world, rng)[unit_of]
    # before the programme, and while it was young, ideas waited longer
    era = 1.7 - 0.7 * _ramp(submitted, world.programme_start, 1.0)
    wait = np.ceil(rng.lognormal(math.log(21), 0.85, n) * slowness * era).astype(int)
    review = np.minimum(np.floor(rng.lognormal(math.log(7), 0.9, n)).astype(int), wait - 1)
    outcome = rng.choice(4, size=n, p=[0.52, 0.26, 0.08, 0.14])  # yes, no, merged, parked
    trial = rng.random(n) < 0.3
    will_implement = rng.random(n) < 0.72
    implement_wait = np.ceil(
        rng.lognormal(np.where(trial, math.log(120), math.log(60)), 0.6)
    ).astype(int)
    decided_mask = wait <= age
    implemented_mask = (
        decided_mask & (outcome == 0) & will_implement & (wait + implement_wait <= age)
    )

    status = np.full(n, "new", dtype=object)
    status[~decided_mask & (review <= age)] = "in_review"
    status[decided_mask & (outcome == 0)] = np.where(trial, "in_trial", "accepted")[
        decided_mask & (outcome == 0)
    ]
    status[implemented_mask] = "implemented"
    status[decided_mask & (outcome == 1)] = "rejected"
    status[decided_mask & (outcome == 2)] = "merged"
    status[decided_mask & (outcome == 3)] = "parked"

    decided_day = submitted + wait
    implemented_day = decided_day + implement_wait
    changed = np.where(status == "in_review", submitted + review, submitted)
    changed = np.where(decided_mask, decided_day, changed)
    changed = np.where(implemented_mask, implemented_day, changed)
    is_decision = np.isin(status, ("accepted", "in_trial", "implemented", "rejected"))
    return {
        "status": status,
        "changed": changed,
        "decided": np.where(is_decision, decided_day, 0),
        "implemented": np.where(implemented_mask, implemented_day, 0),
        "merged_into": np.full(n, -1),
        "rng_pick": rng.random(n),
    }


def _unit_slowness(world: _World, rng) -> np.ndarray:
    """Most units decide at the usual pace; about one in seven takes two to three times longer."""
    n = len(world.units)
    slow = rng.random(n) < 0.15
    return np.where(slow, rng.uniform(2.0, 3.0, n), rng.uniform(0.7, 1.3, n))


def _point_merged_ideas(fate: dict[str, np.ndarray], unit_of: np.ndarray) -> None:
    """A merged idea points at a recent earlier idea of its unit; with none, it is rejected."""
    status = fate["status"]
    by_unit: dict[int, list[int]] = {}
    for i, unit in enumerate(unit_of.tolist()):
        earlier = by_unit.setdefault(unit, [])
        if status[i] == "merged":
            recent = earlier[-30:]
            if recent:
                fate["merged_into"][i] = recent[int(fate["rng_pick"][i] * len(recent))]
                continue  # a merged idea is not a target for later merges
            status[i] = "rejected"
            fate["decided"][i] = fate["changed"][i]
        earlier.append(i)


def _idea_submitters(world: _World, unit_of: np.ndarray, rng) -> list[str | None]:
    """Opaque pseudonyms; a few eager people send many ideas; about 15 % are anonymous."""
    headcount = np.array([u.headcount for u in world.units])
    offsets = np.concatenate([[0], np.cumsum(headcount)[:-1]])
    digits = 4 if headcount.sum() < 5000 else 5
    numbers = rng.choice(9 * 10 ** (digits - 1), size=headcount.sum(), replace=False)
    numbers += 10 ** (digits - 1)
    person = np.floor(headcount[unit_of] * rng.random(len(unit_of)) ** 2.2).astype(int)
    anonymous = rng.random(len(unit_of)) < 0.15
    chosen = numbers[offsets[unit_of] + person]
    return [
        None if a else f"h{x}" for a, x in zip(anonymous.tolist(), chosen.tolist(), strict=True)
    ]


def _idea_texts(world: _World, unit_of: np.ndarray, rng) -> dict[str, list[str]]:
    n = len(unit_of)
    names = [c for c, _ in CATEGORIES]
    category = rng.choice(len(names), size=n, p=[p for _, p in CATEGORIES])
    pick, domain_pick, ending = rng.random(n), rng.random(n), rng.random(n)
    described = rng.random(n) < 0.75
    reason = rng.integers(0, len(_IDEA_REASONS), n)
    offer = rng.integers(0, len(_IDEA_OFFERS), n)
    out: dict[str, list[str]] = {"title": [], "category": [], "tags": [], "description": []}
    for i in range(n):
        unit = world.units[unit_of[i]]
        own = DOMAIN_TITLES.get(unit.domain, ())
        if own and domain_pick[i] < _DOMAIN_TITLE_SHARE:
            cat, title, tags = own[int(pick[i] * len(own))]
        else:
            cat = names[category[i]]
            template, tags = IDEA_TITLES[cat][int(pick[i] * len(IDEA_TITLES[cat]))]
            title = template.format(g=unit.genitive)
        if ending[i] < _TITLE_ENDING_SHARE:
            title += _TITLE_ENDINGS[int(ending[i] / _TITLE_ENDING_SHARE * len(_TITLE_ENDINGS))]
        out["title"].append(title)
        out["category"].append(cat)
        out["tags"].append(tags)
        text = f"{_IDEA_REASONS[reason[i]]} {_IDEA_OFFERS[offer[i]]}".strip()
        out["description"].append(text if described[i] else "")
    return out


def _idea_teams(world: _World, unit_of, submitted, rng) -> list[str]:
    """About a third of a team unit's ideas during the team's life are the team's own."""
    team_id = ["" for _ in range(len(unit_of))]
    pick = rng.random(len(unit_of))
    for team in world.teams:
        end = (team.ended_on or world.as_of).toordinal()
        mine = (unit_of == team.unit) & (submitted >= team.started_on.toordinal())
        mine &= (submitted <= end) & (pick < 0.35)
        for i in np.flatnonzero(mine).tolist():
            team_id[i] = team.team_id
    return team_id


def _idea_benefits(status: np.ndarray, rng) -> list[tuple[int | None, int | None]]:
    """Estimated yearly benefit for most implemented ideas: hours, and euros for most of those."""
    n = len(status)
    hours = np.ceil(rng.lognormal(math.log(30), 1.0, n)).astype(int)
    hourly = rng.uniform(35, 55, n)
    material = np.round(rng.lognormal(math.log(1500), 0.8, n), -1).astype(int)
    kind = rng.random(n)
    out: list[tuple[int | None, int | None]] = []
    for i in range(n):
        if status[i] != "implemented" or kind[i] >= 0.9:
            out.append((None, None))
        elif kind[i] < 0.68:
            out.append((int(hours[i]), int(round(hours[i] * hourly[i], -1))))
        elif kind[i] < 0.8:
            out.append((int(hours[i]), None))
        else:
            out.append((None, int(material[i])))
    return out


def _idea_id(index: int) -> str:
    return f"I{index + 1:06d}" if index >= 0 else ""


# ------------------------------------------------------------------ projects, milestones


def _build_projects(world: _World, rng: np.random.Generator) -> None:
    projects, milestones, done = [], [], []
    for team in world.teams:
        unit = world.units[team.unit]
        catalogue = PILOT_PROJECTS.get(unit.unit_id, GENERAL_PROJECTS)
        count = int(rng.integers(2, 5))
        order = rng.permutation(len(catalogue)).tolist()
        chosen = sorted(order[:count])
        # projects follow one another over the team's life: an ongoing team's latest project
        # is under way now, an ended team started its last one in time to finish it
        if team.ended_on is not None:
            last_start = team.ended_on - timedelta(days=int(rng.integers(120, 240)))
        else:
            last_start = world.as_of - timedelta(days=int(rng.integers(30, 180)))
        window = max((last_start - team.started_on).days, 0)
        for k, spec_index in enumerate(chosen):
            offset = window * k // (len(chosen) - 1) + int(rng.integers(0, 21))
            start = team.started_on + timedelta(days=offset)
            project_id = f"PRJ{len(projects) + 1:04d}"
            plan = _project_plan(world, team, catalogue[spec_index], start, rng)
            projects.append(_project_row(project_id, team, plan, world.as_of))
            milestones += _milestones(world, project_id, plan, len(milestones), rng)
            if plan.status == "done":
                done.append((project_id, team.unit, plan.title, plan.done_on))
        if team.ended_on is None and count < len(catalogue) and rng.random() < 0.5:
            # an ongoing team often has its next project agreed but not started
            project_id = f"PRJ{len(projects) + 1:04d}"
            start = world.as_of + timedelta(days=int(rng.integers(14, 90)))
            plan = _project_plan(world, team, catalogue[order[count]], start, rng)
            projects.append(_project_row(project_id, team, plan, world.as_of))
            milestones += _milestones(world, project_id, plan, len(milestones), rng)
    world.project_rows, world.milestone_rows, world.done_projects = projects, milestones, done


@dataclass(frozen=True)
class _ProjectPlan:
    title: str
    measure: str
    baseline: float
    target: float
    status: str
    started_on: date
    due_on: date  # may lie after as_of: a plan
    progress_pct: int
    phase: str
    reached_share: float  # the share of milestones reached by as_of
    done_on: date | None
    result: float | None


def _project_plan(world: _World, team: _Team, spec, start: date, rng) -> _ProjectPlan:
    title, measure, baseline, target = spec
    as_of = world.as_of
    finish_by = team.ended_on or date.max
    due = min(start + timedelta(days=int(rng.integers(120, 330))), finish_by)
    if start > as_of - timedelta(days=7):
        status = "planned"
    elif due <= as_of:
        status = str(rng.choice(["done", "stopped", "late"], p=[0.7, 0.1, 0.2]))
        if status == "late" and team.ended_on is not None:
            status = "done"  # a team that has ended has closed its projects
    else:
        status = str(rng.choice(["on_track", "at_risk"], p=[0.6, 0.4]))
    elapsed = min(max((as_of - start).days / max((due - start).days, 1), 0.0), 1.0)
    progress, phase, reached, result = _project_state(status, elapsed, baseline, target, rng)
    done_on = None
    if status == "done":
        done_on = due + timedelta(days=int(rng.integers(-20, 40)))
        done_on = max(min(done_on, as_of, finish_by), start + timedelta(days=1))
    return _ProjectPlan(
        title, measure, baseline, target, status, start, due, progress, phase, reached, done_on,
        result,
    )  # fmt: skip


def _project_state(status: str, elapsed: float, baseline, target, rng):
    """Progress %, PDCA phase, share of milestones reached and the latest measured result."""
    partial = baseline + (target - baseline) * elapsed * rng.uniform(0.4, 0.9)
    if status == "done":
        result = target if rng.random() < 0.65 else baseline + (target - baseline) * 0.7
        return 100, "act", 1.0, result
    if status == "stopped":
        return int(rng.integers(15, 60)), "do", 0.4, None
    if status == "late":
        return int(rng.integers(60, 91)), "check", 0.75, partial
    if status == "planned":
        return 0, "plan", 0.0, None
    progress = int(np.clip(elapsed * 100 + rng.normal(0, 8), 5, 95))
    reached = elapsed
    if status == "at_risk":  # behind: less done, fewer checkpoints reached
        progress, reached = max(int(progress * 0.6), 5), elapsed * 0.6
    phase = "plan" if progress < 25 else "do" if progress < 75 else "check"
    return progress, phase, reached, partial if progress >= 40 else None


def _project_row(project_id: str, team: _Team, plan: _ProjectPlan, as_of: date) -> list:
    return [
        project_id,
        team.team_id,
        plan.title,
        plan.status,
        f"{plan.measure}: {_number(plan.baseline)} → {_number(plan.target)}",
        plan.phase,
        plan.started_on,  # a planned project's start and due dates may lie ahead
        plan.due_on,
        plan.done_on,
        plan.progress_pct,
        plan.measure,
        _number(plan.baseline),
        _number(plan.target),
        None if plan.result is None else _number(plan.result),
    ]


def _milestones(world: _World, project_id: str, plan: _ProjectPlan, numbered: int, rng):
    """Two to five checkpoints spread over the project; those due by now are mostly reached."""
    count = int(rng.integers(2, 6))
    titles = [MILESTONE_FIRST]
    titles += [str(t) for t in rng.choice(MILESTONE_MIDDLE, size=count - 2, replace=False)]
    titles.append(str(rng.choice(MILESTONE_LAST)))
    span = (plan.due_on - plan.started_on).days
    rows = []
    for k, title in enumerate(titles):
        milestone_id = f"MS{numbered + k + 1:05d}"
        due_on = plan.started_on + timedelta(days=round(span * (k + 1) / count))
        reached = None
        if (k + 1) / count <= plan.reached_share + 1e-9 and due_on <= world.as_of:
            late_by = timedelta(days=int(rng.integers(-7, 22)))
            reached = min(max(due_on + late_by, plan.started_on), plan.done_on or world.as_of)
        # dates after as_of (a planned project, a checkpoint still ahead) are left empty
        rows.append([milestone_id, project_id, title, due_on, reached])
    return rows


# ---------------------------------------------------------------------------- activities


class _Activities:
    """Activity rows under provisional ids, numbered in date order once all are in."""

    def __init__(self) -> None:
        self.rows: list[list] = []
        self._count = 0

    def new_id(self) -> int:
        self._count += 1
        return self._count

    def numbered(self) -> list[list]:
        self.rows.sort(key=lambda r: (r[2], r[0]))
        ids: dict[int, str] = {}
        for row in self.rows:
            row[0] = ids.setdefault(row[0], f"A{len(ids) + 1:06d}")
        return self.rows


def _activity_rows(world: _World, rng: np.random.Generator) -> list[list]:
    log = _Activities()
    _workshops(world, log, rng)
    _seminars(world, log, rng)
    _change_agent_meetings(world, log, rng)
    _trainings(world, log, rng)
    return log.numbered()


def _activity_dates(world: _World, per_year: int, weekday: int) -> list[date]:
    """Dates spread evenly from the programme start to as_of, on the given weekday."""
    step = 365 / per_year
    dates = []
    for k in range(int((world.as_of - world.programme_start).days / step) + 1):
        day = world.programme_start + timedelta(days=int(k * step))
        day += timedelta(days=(weekday - day.weekday()) % 7)
        if day <= world.as_of and day.month != 7:  # nobody holds a workshop in July
            dates.append(day)
    return dates


def _existing_units(world: _World, on: date) -> list[int]:
    return [i for i, u in enumerate(world.units) if u.created_on is None or u.created_on <= on]


def _workshops(world: _World, log: _Activities, rng) -> None:
    """Six supervisor workshops a year; at the city scale each sector runs its own series."""
    groups = [None] if world.scale.levels == 2 else list(range(len(SECTORS)))
    for number, held_on in enumerate(_activity_dates(world, 6, 1)):
        topic = WORKSHOP_TOPICS[number % len(WORKSHOP_TOPICS)]
        for sector in groups:
            activity_id = log.new_id()
            title = f"Esihenkilötyöpaja {held_on.month}/{held_on.year}: {topic}"
            if sector is not None:
                title += f" ({SECTORS[sector][0]})"
            for i in _existing_units(world, held_on):
                unit = world.units[i]
                if sector is not None and unit.sector != sector:
                    continue
                attending = int(rng.binomial(unit.supervisors, 0.55))
                if attending == 0 or rng.random() < 0.25:
                    continue
                extra = int(rng.binomial(1, 0.2)) if unit.headcount > unit.supervisors else 0
                log.rows.append(
                    [activity_id, "supervisor_workshop", held_on, title, unit.unit_id, None,
                     attending + extra, attending]
                )  # fmt: skip


def _seminar_dates(world: _World) -> list[date]:
    return _activity_dates(world, 2, 3)


def _seminars(world: _World, log: _Activities, rng) -> None:
    """Twice a year a joint seminar with the peer municipalities, hosted in turn."""
    peers = PEERS[: world.scale.peers]
    hosts = (HOME_NAME,) + tuple(name for _, name, _ in peers)
    for number, held_on in enumerate(_seminar_dates(world)):
        activity_id = log.new_id()
        topic = SEMINAR_TOPICS[number % len(SEMINAR_TOPICS)]
        title = f"Yhteisseminaari: {topic} ({hosts[number % len(hosts)]})"
        for org_id, _, _ in peers:
            people = int(rng.integers(4, 21))
            supervisors = int(rng.integers(1, people // 3 + 1))
            log.rows.append(
                [activity_id, "seminar", held_on, title, None, org_id, people, supervisors]
            )
        existing = _existing_units(world, held_on)
        for i in sorted(rng.choice(existing, size=min(12, len(existing)), replace=False).tolist()):
            unit = world.units[i]
            people = int(min(unit.headcount, rng.integers(1, 6)))
            supervisors = int(min(people, unit.supervisors, rng.integers(0, 3)))
            log.rows.append(
                [activity_id, "seminar", held_on, title, unit.unit_id, None, people, supervisors]
            )


def _change_agent_meetings(world: _World, log: _Activities, rng) -> None:
    """The change agents meet monthly; most of them come."""
    for held_on in _activity_dates(world, 12, 2):
        activity_id = log.new_id()
        title = f"Muutosagenttien kuukausitapaaminen {held_on.month}/{held_on.year}"
        for i in _existing_units(world, held_on):
            unit = world.units[i]
            if unit.change_agent and rng.random() < 0.8:
                log.rows.append(
                    [activity_id, "change_agent_meeting", held_on, title, unit.unit_id, None, 1, 0]
                )


def _trainings(world: _World, log: _Activities, rng) -> None:
    """Four trainings a year, each for staff from a handful of units."""
    for number, held_on in enumerate(_activity_dates(world, 4, 3)):
        activity_id = log.new_id()
        title = TRAININGS[number % len(TRAININGS)]
        existing = _existing_units(world, held_on)
        size = min(len(existing), int(rng.integers(4, 13)))
        for i in sorted(rng.choice(existing, size=size, replace=False).tolist()):
            unit = world.units[i]
            people = int(min(unit.headcount, rng.integers(1, 9)))
            supervisors = int(min(people, unit.supervisors, rng.integers(0, 2)))
            log.rows.append(
                [activity_id, "training", held_on, title, unit.unit_id, None, people, supervisors]
            )


# ----------------------------------------------------------------------------- practices


def _practice_rows(world: _World, rng: np.random.Generator) -> list[list]:
    """Good practices written up from implemented ideas, finished projects and the peers."""
    rows = []
    for idea_id, unit_index, title, tags, implemented_on, hours in world.implemented_ideas:
        # the biggest benefits always get written up, a few others besides
        if hours < 300 and rng.random() >= world.scale.practice_share:
            continue
        published = implemented_on + timedelta(days=int(rng.integers(14, 60)))
        if published > world.as_of:
            continue
        unit = world.units[unit_index]
        summary = (
            f"{unit.name}: {title[0].lower()}{title[1:]}. Arvioitu hyöty noin {hours} tuntia "
            "vuodessa. Ota yhteyttä yksikön muutosagenttiin, jos haluat kokeilla samaa."
        )
        rows.append([idea_id, title, summary, unit.unit_id, None, idea_id, None, tags, published])
    for project_id, unit_index, title, done_on in world.done_projects:
        published = done_on + timedelta(days=int(rng.integers(7, 45)))
        if published > world.as_of or rng.random() >= 0.6:
            continue
        unit = world.units[unit_index]
        summary = f"{unit.name} kehitti toimintaansa projektissa: {title[0].lower()}{title[1:]}."
        rows.append([project_id, title, summary, unit.unit_id, None, None, project_id,
                     "kehittämisprojekti", published])  # fmt: skip
    rows += _peer_practices(world, rng)
    rows.sort(key=lambda r: (r[8], r[0] or ""))
    return [[f"GP{k + 1:04d}"] + row[1:] for k, row in enumerate(rows)]


def _peer_practices(world: _World, rng) -> list[list]:
    rows = []
    seminars = _seminar_dates(world)
    for k, (title, tags) in enumerate(PEER_PRACTICES):
        org_id, _, genitive = PEERS[k % world.scale.peers]
        if k >= len(seminars):
            break
        published = seminars[k] + timedelta(days=int(rng.integers(3, 20)))
        if published > world.as_of:
            continue
        summary = f"{genitive} kaupungin käytäntö, esitelty yhteisseminaarissa."
        rows.append([None, title, summary, None, org_id, None, None, tags, published])
    return rows


# -------------------------------------------------------------------------------- survey


def _survey_rounds(scale: Scale, as_of: date) -> list[_Round]:
    """Rounds every 12 / rounds_per_year months, the last closed about six weeks before as_of."""
    last_close = _friday_in_month(as_of - timedelta(days=40))
    step = 12 // scale.rounds_per_year
    rounds = []
    for k in range(scale.survey_rounds):
        closed = _friday_in_month(_months_before(last_close, step * (scale.survey_rounds - 1 - k)))
        baseline = " (lähtötaso)" if k == scale.baseline_round else ""
        if scale.rounds_per_year == 1:
            round_id, name = f"R{closed.year}", f"Henkilöstökysely {closed.year}"
        else:
            half = "K" if closed.month <= 6 else "S"
            season = "kevät" if half == "K" else "syksy"
            round_id, name = f"R{closed.year}{half}", f"Henkilöstökysely {season} {closed.year}"
        rounds.append(_Round(round_id, name + baseline, closed - timedelta(days=18), closed))
    return rounds


def _round_rows(world: _World) -> list[list]:
    return [[r.round_id, r.name, r.closed_on, r.opened_on] for r in world.rounds]


def _item_rows() -> list[list]:
    return [
        [item_id, fi, indicator, en, sv, 5, reverse]
        for item_id, indicator, reverse, _, fi, en, sv in SURVEY_ITEMS
    ]


@dataclass(frozen=True)
class _SurveyModel:
    """Each unit's latent attitude per indicator: base + programme effect × progress."""

    base: np.ndarray  # units × indicators
    effect: np.ndarray  # units × indicators, at full progress
    weights: np.ndarray  # expected respondents per unit
    response_rate: np.ndarray  # units


def _survey_model(world: _World, rng: np.random.Generator) -> _SurveyModel:
    n = len(world.units)
    general = rng.normal(0, 0.35, n)
    sector = rng.normal(0, 0.15, len(SECTORS))[[u.sector for u in world.units]]
    base = general[:, None] + sector[:, None] + rng.normal(0, 0.3, (n, len(INDICATORS)))
    trend, boosted = _unit_trends(world, rng)
    pilot_effect = np.array([PILOT_EFFECT[i] for i in INDICATORS]) * rng.uniform(
        0.85, 1.15, (n, len(INDICATORS))
    )
    low, high = world.scale.response_rate
    response_rate = rng.uniform(low, high, n)
    weights = np.array([u.headcount for u in world.units]) * response_rate
    effect = np.zeros((n, len(INDICATORS)))
    for k, indicator in enumerate(INDICATORS):
        start = BASELINE_FAVOURABLE[indicator]
        level = _solve(lambda c, k=k: _org_favourable(c + base[:, k], weights, k), start)
        base[:, k] += level
        target = start * (1 + PROGRAMME_CHANGE_REL[indicator])

        def change(d: float, k: int = k) -> np.ndarray:  # pilots fixed, the others scaled
            return np.where(boosted, pilot_effect[:, k], d * trend[:, k])

        size = _solve(lambda d, k=k: _org_favourable(base[:, k] + change(d), weights, k), target)
        effect[:, k] = change(size)
    return _SurveyModel(base, effect, weights, response_rate)


def _unit_trends(world: _World, rng) -> tuple[np.ndarray, np.ndarray]:
    """How strongly each unit follows the programme, and which units run pilot or team projects.

    A little over half the units improve, the rest stay flat or decline; pilot and team units
    (the second array) improve by PILOT_EFFECT whatever the scale.
    """
    n = len(world.units)
    kind = rng.choice(3, size=n, p=[0.55, 0.28, 0.17])  # improving, flat, declining
    multiplier = np.select(
        [kind == 0, kind == 1, kind == 2],
        [rng.uniform(1.3, 2.1, n), rng.uniform(-0.1, 0.3, n), rng.uniform(-0.5, -0.1, n)],
    )
    team_units = {t.unit for t in world.teams}
    boosted = np.array([u.pilot or i in team_units for i, u in enumerate(world.units)])
    return multiplier[:, None] * rng.uniform(0.8, 1.2, (n, len(INDICATORS))), boosted


# Quadrature over a respondent's own mood, which spreads each unit's answers.
_GAUSS_HERMITE = np.polynomial.hermite_e.hermegauss(20)


def _org_favourable(level: np.ndarray, weights: np.ndarray, indicator: int) -> float:
    """Expected favourable share of the whole organisation given each unit's latent level."""
    shifts = np.array([s for _, ind, _, s, *_ in SURVEY_ITEMS if ind == INDICATORS[indicator]])
    nodes, node_weights = _GAUSS_HERMITE
    spread = math.hypot(_PERSON_SD, _PERSON_INDICATOR_SD)
    z = level[:, None, None] + shifts[None, :, None] + spread * nodes[None, None, :]
    share = (1 / (1 + np.exp(-z)) * node_weights).sum(axis=2) / node_weights.sum()
    return float((share.mean(axis=1) * weights).sum() / weights.sum())


def _solve(f, target: float) -> float:
    """The x at which the increasing function f reaches target (bisection)."""
    low, high = -6.0, 6.0
    for _ in range(50):
        middle = (low + high) / 2
        if f(middle) < target:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def _write_survey_responses(out: Path, world: _World, rng: np.random.Generator) -> list[DemoFile]:
    model = _survey_model(world, rng)
    item_indicator = np.array([INDICATORS.index(ind) for _, ind, *_ in SURVEY_ITEMS])
    item_shift = np.array([s for _, _, _, s, *_ in SURVEY_ITEMS])
    reverse = np.array([r for _, _, r, *_ in SURVEY_ITEMS])
    files = []
    for survey_round in world.rounds:
        progress = _ramp(
            np.array([survey_round.closed_on.toordinal()]),
            world.programme_start,
            world.scale.improvement_years,
            concave=True,
        )[0]
        staff = np.array([_headcount_on(u, survey_round.opened_on) for u in world.units])
        rate = np.clip(model.response_rate + rng.normal(0, 0.04, len(staff)), 0.4, 0.95)
        respondents = rng.binomial(staff, rate)
        wobble = rng.normal(0, 0.12, model.base.shape)  # a unit's year-to-year ups and downs
        level = model.base + model.effect * progress + wobble
        unit_of = np.repeat(np.arange(len(staff)), respondents)
        answers = _answers(level, unit_of, item_indicator, item_shift, reverse, rng)
        path = out / f"survey_responses_{survey_round.round_id}.csv"
        _write_answers(path, survey_round.round_id, world, unit_of, answers, rng)
        files.append(DemoFile("survey_responses", path, survey_round.round_id))
    return files


def _answers(level, unit_of, item_indicator, item_shift, reverse, rng) -> np.ndarray:
    """Answers 1..5 (0 = no answer), one row per respondent, vectorised over everyone."""
    n, n_items = len(unit_of), len(item_indicator)
    person = rng.normal(0, _PERSON_SD, n)
    topic = rng.normal(0, _PERSON_INDICATOR_SD, (n, len(INDICATORS)))
    latent = level[unit_of][:, item_indicator] + item_shift + person[:, None]
    latent += topic[:, item_indicator] + rng.logistic(0, 1, (n, n_items))
    values = 1 + (latent[:, :, None] > _ANSWER_CUTS).sum(axis=2).astype(np.uint8)
    values = np.where(reverse, 6 - values, values).astype(np.uint8)
    missing = rng.random((n, n_items)) < _ITEM_NONRESPONSE
    missing[missing.all(axis=1), 0] = False  # a respondent answered at least one item
    values[missing] = 0
    return values


def _write_answers(path: Path, round_id: str, world: _World, unit_of, answers, rng) -> None:
    """Fast CSV for the big files: the answer cells are built as one byte matrix."""
    n, n_items = answers.shape
    ids = rng.permutation(n)
    width = 2 * n_items + 1
    cells = np.full((n, width), ord(","), dtype=np.uint8)
    cells[:, 1:-1:2] = np.where(answers == 0, 0, answers + ord("0"))
    cells[:, -1] = ord("\n")
    block = cells.tobytes().decode("ascii")
    prefix = [f"{round_id},{u.unit_id}," for u in world.units]
    lines = [
        f"{prefix[u]}{round_id.lower()}-{ids[k]:06d}{block[k * width : (k + 1) * width]}"
        for k, u in enumerate(unit_of.tolist())
    ]
    header = ",".join(["round_id", "unit_id", "respondent"] + [i[0] for i in SURVEY_ITEMS])
    text = header + "\n" + "".join(lines).replace("\x00", "")
    path.write_bytes(text.encode("utf-8"))


# ------------------------------------------------------------------------------- helpers


def _write(out: Path, kind: str, rows: list[list], *, as_text: bool = True) -> DemoFile:
    """One contract CSV; as_text=False for rows whose cells are already strings."""
    path = out / f"{kind}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS[kind])
        writer.writerows(([_cell(v) for v in row] for row in rows) if as_text else rows)
    return DemoFile(kind, path)


def _cell(value) -> str:
    kind = type(value)  # exact types first: this runs for every cell of the large files
    if kind is str:
        return value
    if value is None:
        return ""
    if kind is bool or kind is np.bool_:
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _number(x: float) -> str:
    """A measure value as written in the file: whole numbers without decimals."""
    rounded = round(float(x), 1)
    return str(int(rounded)) if rounded.is_integer() else f"{rounded:.1f}"


def _ramp(days: np.ndarray, start: date, years: float, concave: bool = False) -> np.ndarray:
    """0 before start, rising to 1 over `years`; concave rises fast first, then levels off."""
    x = np.clip((np.asarray(days, dtype=float) - start.toordinal()) / (365.25 * years), 0, 1)
    return 1 - (1 - x) ** 1.5 if concave else x


def _person(rng: np.random.Generator) -> tuple[str, str]:
    return (
        FIRST_NAMES[int(rng.integers(len(FIRST_NAMES)))],
        LAST_NAMES[int(rng.integers(len(LAST_NAMES)))],
    )


_ASCII = str.maketrans({"ä": "a", "ö": "o", "å": "a", "Ä": "A", "Ö": "O", "Å": "A", "é": "e"})


def _ascii(text: str) -> str:
    return text.translate(_ASCII)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", _ascii(name).lower()).strip("-")


def _friday_in_month(day: date) -> date:
    """The Friday before day, or after it where that would fall in the previous month.

    Keeping the month keeps each round in its own year (and half-year), so round ids differ.
    """
    before = day - timedelta(days=(day.weekday() - 4) % 7)
    return before if before.month == day.month else day + timedelta(days=(4 - day.weekday()) % 7)


def _weekday_on_or_after(day: date) -> date:
    return day + timedelta(days=max(0, 7 - day.weekday()) if day.weekday() >= 5 else 0)


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, min(day.day, 28))


def _years_before(day: date, years: int) -> date:
    return _months_before(day, 12 * years).replace(day=min(day.day, 28))


def _add_years(day: date, years: int) -> date:
    return _months_before(day, -12 * years)


def _month_starts(first: date, last: date) -> list[date]:
    months, current = [], first.replace(day=1)
    while current <= last:
        months.append(current)
        current = _next_month(current)
    return months


def _next_month(day: date) -> date:
    return _months_before(day.replace(day=1), -1)
