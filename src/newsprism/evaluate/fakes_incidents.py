"""Hand-read incidents of FA-KES: the `unit_id`s of articles that report one incident.

How they were read (once, by a person, from the CSV; only ids are kept here, no text):
candidates were (a) articles with the same `location` whose `date`s chain within 3 days, and
(b) pairs of titles sharing at least half their words (word Jaccard >= 0.5) anywhere in the
corpus (verbatim republications whose `date`s are far apart or whose `location`s differ). Each
candidate group was split by reading the titles and, where unsure, the first sentences: one
incident is one attack, strike, blast, massacre or battle (with its follow-ups and updated tolls,
e.g. the 2017 Khan Sheikhoun chemical attack and the reactions to it within three days). Articles
in no group here are stories of their own. `date` in FA-KES is not always the publication date
(a Daily Sabah article "Published June 3 2016" is dated 6/13/2016), so groups were never
formed on dates alone; same-day articles of one province about different incidents stay apart.
"""

from __future__ import annotations

INCIDENTS: tuple[tuple[str, ...], ...] = (
    # idlib
    ("1926479326", "1918150033", "1926479112"),  # Saraqib gas, 2016-08-01
    ("1923848154", "1924058117"),  # hospital strike, 10 dead, 2016-08-06
    ("1923848150", "1962495724"),  # IS suicide blast on rebels, 2016-08-15
    ("1924058188", "1926479043"),  # Haas schools strike, 2016-10-26
    ("1926478913", "1926479251"),  # 135 killed in three days, 2016-12-07
    (
        "1918150030",
        "1923848146",
        "1926479178",
        "1926479363",
        "1918150026",
        "1923848144",
        "1926479327",
        "1926479033",
    ),  # Khan Sheikhoun chemical attack, 2017-04-04
    ("1923848267", "1924058169"),  # Idlib market strikes, 2016-06-12
    ("1923848140", "1924058142"),  # air strike on Idlib, 15 / 18 civilians, 2017-04-08
    ("1918398786", "1924058140"),  # Russian jets hit an opposition outpost, 2017-04-02
    # aleppo
    ("1923848201", "1918398778"),  # executed children, 2015-02
    ("1923848187", "1924058050"),  # 13 civilians in regime raids, 2015-07-15
    ("1923848186", "1924058051"),  # barrel bombs, 11 civilians, 2015-07-16
    ("1918398785", "1923848184"),  # Maghayir missile, 18 civilians, 2015-07-21
    ("1926478915", "1926479096"),  # al-Bureij barrel bomb, 2015-07-22
    ("1962495693", "1965511203"),  # two killed in Aleppo city, 2016-04-04
    ("1923848272", "1923848270"),  # regime strikes on Aleppo (19, then 31), 2016-06-02/03
    ("1924058059", "1923848264"),  # rebels kill 7, capture 3 villages, 2016-06
    ("1923848261", "1924058058", "1924058042"),  # at least 70 killed north of Aleppo
    ("1918398796", "1924058176"),  # airstrike kills 16 civilians, 2016-07-02
    ("1965511175", "1962495668"),  # Castello road offensive, 2016-07-10
    ("1923848169", "1962495661", "1965511172"),  # coalition strikes, 21 civilians, 2016-07-18
    ("1918398799", "1924058173", "1923848168", "1918150036"),  # Tokhar / Manbij, 2016-07-19
    ("1962495720", "1965511224"),  # chemical attack in Aleppo, five dead, 2016-08-02
    ("1926478916", "1926478984"),  # rockets on Aleppo and Deir Ezzor, 2016-09-06
    ("1926478910", "1926478942"),  # rockets on Aleppo city, 8 killed, 2016-10-06
    ("1924058189", "1923848284"),  # IS land mines in Manbij (HRW), 2016-10
    ("1926478968", "1962495712"),  # Sulaymaniyah shelling, 2016-11-12
    (
        "1924058032",
        "1923848128",
        "1923848129",
        "1926479330",
        "1923848126",
        "1923848127",
        "1962495733",
        "1918150027",
    ),  # Rashidin evacuee bus bombing, 2017-04-15
    ("1918150028", "1923848124", "1926478982"),  # Aleppo bomb blast, six dead, 2017-04-19
    ("1923848252", "1926479150"),  # Atareb market strikes, 2017-11-13
    ("1923848258", "1926478973", "1924058070"),  # Russia: 120 IS fighters killed, 2017-10
    ("1924058038", "1924058039"),  # warplanes pound rebel-held north, 2016-08 (two locations)
    ("1923848219", "1924058164"),  # US-led raids kill 35 jihadists overnight, 2014-10-04
    # hama
    ("1926478963", "1926479016"),  # IS kills over 50 in central Syria, 2017-05-18
    # damascus
    (
        "1926479215",
        "1926479310",
        "1926479334",
        "1926479349",
        "1926479384",
        "1926479179",
        "1926479026",
        "1926479157",
    ),  # Ghouta chemical attack and reactions, 2013-08-21..25
    ("1923848208", "1965511112"),  # Jaramana bomb, 18 dead, 2013-08-06
    ("1962495633", "1965511107"),  # car bomb kills four in Damascus, 2013-09-05
    ("1923848195", "1923848194"),  # Douma strikes after rebel fire (45, then 70), 2015-02-05
    ("1923848193", "1924058055"),  # regime air strikes kill 15 near Damascus, 2015-02
    ("1926478914", "1926479090"),  # Abdah statement, 2016-04-23
    ("1918150039", "1918398795", "1923848178", "1923848177"),  # Dmeir shelling, 2016-07-02
    # hasakeh
    ("1923848204", "1965511109"),  # al-Qaeda attack on a Kurdish town, 17 dead, 2013-08-17
    ("1923848218", "1924058162"),  # twin blasts kill 30 Kurdish fighters, 2014-10-06
    ("1918398793", "1923848176", "1924058175"),  # motorbike bomber, 16 dead, 2016-07-05
    ("1924058046", "1924058056"),  # Daesh bomb kills 44 in a Kurdish city, 2016-07
    (
        "1923848164",
        "1923848165",
        "1924058172",
        "1965511170",
        "1924058115",
    ),  # Qamishli twin bombing, 2016-07-27
    ("1923848289", "1924058196"),  # Tall Tawil wedding bombing, 2016-10-03
    # lattakia
    ("1923848200", "1918398779"),  # suicide bomber kills 4, 2015-02-22
    ("1965511186", "1923848271"),  # Daatur mosque bombing, 2016-06-02
    # raqqa
    ("1923848242", "1962495640", "1965511145"),  # strikes on IS in Raqqa, 2014-08-17
    ("1926479076", "1926479207"),  # regime air force massacre in Raqqa, 2014-11-25
    ("1918398782", "1965511164"),  # US-led raids on Raqqa, 2015-07-05
    ("1926478911", "1926478966"),  # al-Salehia coalition strike, 2016-11-21
    ("1923848260", "1962495738", "1924058069"),  # US-led strike on Raqqa, 2017-10-03
    # deir ezzor
    ("1923848262", "1924058178"),  # al-Quriyah strikes (47 / 58), 2016-06-25
    ("1924058146", "1924058145"),  # coalition strikes on Boukamal, 2017-04-17
    # daraa
    ("1962495701", "1962495702"),  # rockets on Daraa, 10 civilians, 2016-02-03
    # homs
    ("1962495637", "1923848211"),  # ammunition depot blast, 40 dead, 2013-08
    ("1923848214", "1924058156"),  # IS retakes Shaer gas fields, 30 dead, 2014-10-28
)
"""Each tuple: the FA-KES `unit_id`s of one incident (see the module docstring)."""
