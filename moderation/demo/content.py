"""The reference story the demo page shows: a German report with a "Kommentare" section under it."""

from __future__ import annotations

DEMO_ARTICLE_ID = "nordkorea-verwundete-russische-soldaten"
DEMO_TITLE = "Nordkorea behandelt verwundete russische Soldaten"
DEMO_PARAGRAPHS = (
    "Pjöngjang/Moskau – Nordkorea nimmt nach Angaben westlicher Geheimdienste verwundete russische Soldaten in "
    "Militärkrankenhäusern auf. Die Verletzten würden über den Grenzübergang bei Tumangang gebracht und in "
    "Kliniken in Pjöngjang und Wonsan behandelt, heißt es in einem Lagebericht, der unserer Redaktion vorliegt.",
    "Die Zusammenarbeit beider Staaten hat sich seit dem im Juni 2024 unterzeichneten Beistandsabkommen deutlich "
    "vertieft. Bereits im Herbst 2024 hatte Nordkorea Truppen in die russische Grenzregion Kursk entsandt.",
    "Experten sehen in der medizinischen Versorgung ein weiteres Zeichen dafür, dass Pjöngjang zum festen Partner "
    "der russischen Kriegsführung geworden ist. Moskau und Pjöngjang äußerten sich zunächst nicht zu dem Bericht.",
)
