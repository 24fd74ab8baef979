"""Where a fact comes from: the class of a source, computed from its address by one table.

A fact is *verified* when a primary source states it, or two independent secondary sources do
(two different sites). Datasets (third-party data files, apps, quiz and calendar sites) never
count: they are leads, often copies of each other, and they never reach a feed or a draft.

The table is by domain: a host is primary when it is, or ends with, one of `PRIMARY`; a dataset
when it is, or ends with, one of `DATASET`; secondary otherwise (news, reference works, NGOs,
governments, bodies outside the UN system). A mirror or proxy of a UN page is classed by its own
address, not by what it copies: only the original counts as the UN's word.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from enum import StrEnum
from urllib.parse import urlsplit


class SourceClass(StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"
    DATASET = "dataset"


PRIMARY: tuple[str, ...] = (
    # the United Nations: documents, the Digital Library, un.org and every subdomain
    # (press., news., sdgs., social.desa., unstats., indico., country teams such as indonesia.)
    "undocs.org",
    "un.org",
    "un.int",  # UN-hosted pages of missions and of the Secretariat (iSeek notes)
    "un.org.pl",  # UN Information Centre Warsaw (unic.un.org.pl)
    "un.org.ua",  # UN office in Ukraine
    "un.am",  # UN country team in Armenia
    "unvienna.org",  # UN Information Service Vienna
    "unric.org",  # UN Regional Information Centre, Brussels
    "unmultimedia.org",  # UN Audiovisual Library
    "un-icc.cloud",  # the UN International Computing Centre's hosts
    "violenceagainstchildren.org",  # office of the SRSG on violence against children
    # funds, programmes, offices and specialized agencies (their own domains)
    "unesco.org",
    "iocunesco.org",  # UNESCO's Intergovernmental Oceanographic Commission
    "oceanexpert.net",  # IOC-UNESCO
    "idil2022-2032.org",  # UNESCO's site of the Decade of Indigenous Languages
    "who.int",
    "paho.org",  # WHO's regional office for the Americas
    "bvsalud.org",  # PAHO/WHO's health library (BIREME)
    "fao.org",
    "ilo.org",
    "imo.org",
    "itu.int",
    "icao.int",
    "wmo.int",
    "wipo.int",
    "upu.int",
    "ifad.org",
    "unido.org",
    "unwto.org",
    "untourism.int",
    "iaea.org",
    "unicef.org",
    "undp.org",
    "unep.org",
    "unfpa.org",
    "unhcr.org",
    "unwomen.org",
    "wfp.org",
    "unaids.org",
    "unhabitat.org",
    "unodc.org",
    "unoosa.org",
    "unocha.org",
    "ohchr.org",
    "unece.org",
    "unescap.org",
    "uneca.org",
    "cepal.org",
    "unctad.org",
    "unv.org",
    "unwater.org",
    "intracen.org",  # the International Trade Centre (UN and WTO)
    "decadeonrestoration.org",  # UNEP and FAO's site of the Decade on Ecosystem Restoration
    "cms.int",  # Convention on Migratory Species, administered by UNEP
    "worldmigratorybirdday.org",  # the CMS and AEWA campaign of World Migratory Bird Day
    "woah.org",  # WOAH runs World AMR Awareness Week with FAO, UNEP and WHO
    "opcw.org",  # the body that set the chemical warfare victims' day (UN relationship agreement)
)

DATASET: tuple[str, ...] = (
    # code hosts: data files and apps built from copies of the UN's lists
    "github.com",
    "githubusercontent.com",
    "gitlab.com",
    # quiz, exam-preparation and current-affairs sites
    "adda247.com",
    "affairscloud.com",
    "amansaja.com",
    "byjus.com",
    "byscoop.com",
    "dailycurrentaffairs.online",
    "daytodaygk.com",
    "edudose.com",
    "egpage.com",
    "exampur.com",
    "examsnet.com",
    "forumias.com",
    "freejobsnews.com",
    "fresherslive.com",
    "gkseries.com",
    "gktoday.in",
    "iaspoint.com",
    "latestgkgs.com",
    "manabadi.co.in",
    "minorstudy.com",
    "oliveboard.in",
    "pscnotes.com",
    "semquestions.com",
    "studentsgkquiz.com",
    "testcloud.in",
    "thestudyfalcon.com",
    "tnpscthervupettagam.com",
    "topprsiq.com",
    "unique2brilliance.com",
    "yctbooks.blogspot.com",
    "ap-andhrapradesh-jobs.blogspot.com",
    # calendar and "days of the year" aggregators
    "anydayguide.com",
    "calendr.net",
    "countingthedays.to",
    "daysanddates.com",
    "dayspedia.com",
    "favekad.com",
    "happydays365.net",
    "holidayaday.squarespace.com",
    "holidayscalendar.com",
    "holidaytoday.org",
    "internationaldays.net",
    "internationaldays.org",
    "nationaldaycalendar.com",
    "nationaltoday.com",
    "populartimelines.com",
    "sarbatori.net",
    "thereisadayforthat.com",
    "tripriend.net",
    "vercalendario.info",
    "webplus.info",
    "whlist.net",
    # other scraped or aggregated copies the research classed as data
    "hindi-lyrics.com",
    "pinterest.pt",
    "public-api.wordpress.com",
    "scribd.com",
    "vesicule.fr",
    "vo.rs",
    "04ipb.cn",
    "geometry.net",
)

_PRIMARY = frozenset(PRIMARY)
_DATASET = frozenset(DATASET)


def host(url: str) -> str:
    """The host of `url`, lowercase, without a leading "www."."""
    scheme, sep, rest = url.strip().partition("://")
    authority = rest.partition("/")[0].partition("?")[0].partition("#")[0]
    if sep and scheme in ("http", "https") and "@" not in authority and "[" not in authority:
        # the common case without urlsplit, which costs a listing command several ms
        name = authority.partition(":")[0]
    else:
        name = urlsplit(url.strip()).hostname or ""
    return name.lower().removeprefix("www.")


def _matches(name: str, domains: frozenset[str]) -> bool:
    labels = name.split(".")
    return any(".".join(labels[i:]) in domains for i in range(len(labels)))


@functools.cache
def source_class(url: str) -> SourceClass:
    """The class of the source at `url`, by the table above."""
    name = host(url)
    if _matches(name, _PRIMARY):
        return SourceClass.PRIMARY
    if _matches(name, _DATASET):
        return SourceClass.DATASET
    return SourceClass.SECONDARY


def site(url: str) -> str:
    """The site a source belongs to, for telling independent sources apart: the last two labels
    of the host, or three where the second-level label is a generic one under a country code
    (bbc.co.uk, abc.net.au)."""
    labels = host(url).split(".")
    country = labels[-1:] and len(labels[-1]) == len("uk")
    if country and len(labels) > len(("co", "uk")) and labels[-2] in _GENERIC_SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


_GENERIC_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gov", "ac", "edu", "or", "ne"})


def verified_by(urls: Iterable[str]) -> bool:
    """Whether these sources verify a fact: one primary, or secondary ones on two sites."""
    secondary_sites: set[str] = set()
    for url in urls:
        match source_class(url):
            case SourceClass.PRIMARY:
                return True
            case SourceClass.SECONDARY:
                secondary_sites.add(site(url))
            case SourceClass.DATASET:
                pass
    return len(secondary_sites) >= _INDEPENDENT_SECONDARY


_INDEPENDENT_SECONDARY = 2
"""Secondary sources on this many different sites verify a fact when no primary one does."""


def shown(urls: Iterable[str]) -> tuple[str, ...]:
    """The sources a feed or a draft may print: primary and secondary ones, never datasets."""
    return tuple(url for url in urls if source_class(url) is not SourceClass.DATASET)
