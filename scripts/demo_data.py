"""The fictional customers and hand-written cases of the demo exports (see README_demo.md)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoCustomer:
    code: str
    name: str
    street: str
    complement: str
    postcode: str
    city: str
    email: str
    phone: str
    private: bool = False
    do_not_chase: bool = False
    mode: str = "Virement"  # payment mode written on its invoices
    term: int = 30  # days from invoice date to due date


P = True  # Particulier
# Addresses are real streets of Lyon and around with made-up numbers; every email domain is .example.
CUSTOMERS = (
    DemoCustomer("CL0001", "Boulangerie Martin", "14 rue Paul Bert", "", "69003", "Lyon",
                 "compta@boulangerie-martin.example", "04 78 60 12 34"),
    DemoCustomer("CL0002", "Dupont & Fils SARL", "27 avenue Jean Jaurès", "Bâtiment B", "69007",
                 "Lyon", "comptabilite@dupont-et-fils.example", "04 78 72 45 10"),
    DemoCustomer("CL0003", "Société Générale d'Équipements Élévateurs", "8 allée des Érables",
                 "ZAC du Chêne", "69500", "Bron", "compta@sgee.example", "04 72 37 88 02",
                 mode="LCR", term=45),
    DemoCustomer("CL0004", "Mairie de Caluire-et-Cuire", "Place du Docteur Frédéric Dugoujon",
                 "Service des finances", "69300", "Caluire-et-Cuire",
                 "factures@mairie-caluire.example", "04 78 98 80 80", mode="Mandat administratif"),
    DemoCustomer("CL0005", "SCI Les Terrasses de Fourvière", "5 montée Saint-Barthélemy", "",
                 "69005", "Lyon", "gestion@sci-terrasses.example", "04 78 25 61 47"),
    DemoCustomer("CL0006", "Bati-Rhône Construction SAS", "112 route de Vienne",
                 "Service fournisseurs", "69008", "Lyon", "fournisseurs@bati-rhone.example",
                 "04 72 78 14 90", term=45),
    DemoCustomer("CL0007", "Restaurant Le Bouchon des Canuts SARL", "3 rue d'Austerlitz", "",
                 "69004", "Lyon", "contact@bouchon-canuts.example", "04 78 28 93 05",
                 mode="Chèque"),
    DemoCustomer("CL0008", "Agence Immobilière Rhône Habitat SAS", "41 cours Vitton", "3e étage",
                 "69006", "Lyon", "compta@rhone-habitat.example", "04 78 24 70 18"),
    DemoCustomer("CL0009", "Pharmacie de la Croix-Rousse SELARL", "2 place de la Croix-Rousse",
                 "", "69004", "Lyon", "pharmacie.croixrousse@officine.example", "04 78 28 11 62"),
    DemoCustomer("CL0010", "Cabinet Lefèvre Gestion SARL", "18 quai Saint-Vincent", "", "69001",
                 "Lyon", "syndic@lefevre-gestion.example", "04 78 39 52 84", mode="Prélèvement"),
    DemoCustomer("CL0011", "Ébénisterie Girard SARL", "9 rue des Tanneurs", "", "69100",
                 "Villeurbanne", "atelier@ebenisterie-girard.example", "04 78 85 36 21",
                 do_not_chase=True),
    DemoCustomer("CL0012", "Fleurs Les Jardins de Lucie EURL", "33 rue Victor Hugo", "", "69002",
                 "Lyon", "lucie@jardins-de-lucie.example", "04 78 37 20 59", mode="Carte bancaire"),
    DemoCustomer("CL0013", "Décor Intérieur Lyonnais SAS", "7 rue de Créqui", "", "69006", "Lyon",
                 "compta@decor-interieur-lyonnais.example", "04 78 52 64 33"),
    DemoCustomer("CL0014", "Clinique Vétérinaire des Monts d'Or", "15 chemin de la Bruyère", "",
                 "69570", "Dardilly", "accueil@veto-montsdor.example", "04 78 47 05 96"),
    DemoCustomer("CL0015", "Hôtel Bellecour SAS", "22 rue Gasparin", "Direction administrative",
                 "69002", "Lyon", "direction@hotel-bellecour.example", "04 78 42 87 15"),
    DemoCustomer("CL0016", "École Montessori Les Lucioles", "4 rue Dedieu", "", "69100",
                 "Villeurbanne", "gestion@lucioles-montessori.example", "04 72 44 19 80"),
    DemoCustomer("CL0017", "SELARL Cabinet Dentaire Chevalier", "88 avenue Félix Faure", "",
                 "69003", "Lyon", "secretariat@dentaire-chevalier.example", "04 78 53 40 27",
                 mode="Chèque"),
    DemoCustomer("CL0018", "Laboratoire Rhodanien d'Analyses SAS", "12 allée Irène Joliot-Curie",
                 "Parc Technologique", "69800", "Saint-Priest", "achats@lra-analyses.example",
                 "04 72 90 63 41", term=45),
    DemoCustomer("CL0019", "Brasserie du Vieux Lyon SARL", "6 rue Saint-Georges", "", "69005",
                 "Lyon", "brasserie.vieuxlyon@resto.example", "04 78 42 15 73", mode="Chèque"),
    DemoCustomer("CL0020", "Coiffure Élégance EURL", "71 Grande Rue de la Croix-Rousse", "",
                 "69004", "Lyon", "elegance.coiffure@salon.example", "04 78 29 84 66",
                 mode="Chèque"),
    DemoCustomer("CL0021", "M. Jean-Pierre Rousseau", "19 chemin des Vignes", "", "69380",
                 "Lozanne", "", "04 78 43 27 91", private=P, mode="Chèque", term=15),
    DemoCustomer("CL0022", "Mme Élodie Fabre", "5 rue Pierre Corneille", "Appartement 12", "69006",
                 "Lyon", "elodie.fabre@courriel.example", "04 78 93 58 02", private=P, term=15),
    DemoCustomer("CL0023", "Mme Claire Dumas", "12 allée des Cèdres", "", "69160",
                 "Tassin-la-Demi-Lune", "claire.dumas@courriel.example", "04 78 34 71 85",
                 private=P, mode="Chèque", term=15),
    DemoCustomer("CL0024", "M. et Mme Bernard", "3 impasse des Lilas", "", "69290", "Craponne",
                 "famille.bernard@courriel.example", "04 78 57 12 49", private=P, term=15),
    DemoCustomer("CL0025", "Imprimerie Vidal SARL", "17 rue du Bourbonnais", "", "69009", "Lyon",
                 "compta@imprimerie-vidal.example", "04 78 83 46 10"),
    DemoCustomer("CL0026", "Transports Bonnet SAS", "31 avenue de l'Industrie", "ZI Lyon Sud-Est",
                 "69960", "Corbas", "facturation@transports-bonnet.example", "04 72 51 08 37",
                 term=45),
    DemoCustomer("CL0027", "Cuisines Bressanes SAS", "8 avenue Amédée Mercier", "", "01000",
                 "Bourg-en-Bresse", "compta@cuisines-bressanes.example", "04 74 22 63 95",
                 mode="Chèque"),
    DemoCustomer("CL0028", "EARL Domaine Chambon", "1250 route de Régnié",
                 "Lieu-dit Les Grandes Vignes", "69430", "Beaujeu", "domaine@chambon-vins.example",
                 "04 74 04 86 12"),
    DemoCustomer("CL0029", "Société Lyonnaise de Restauration SAS", "59 rue de Marseille", "",
                 "69007", "Lyon", "fournisseurs@slr-restauration.example", "04 78 61 29 44"),
    DemoCustomer("CL0030", "Boucherie Charcuterie Giraud", "11 rue de Brest", "", "69002", "Lyon",
                 "boucherie.giraud@commerce.example", "04 78 37 95 20", mode="Chèque"),
    DemoCustomer("CL0031", "Optique Saint-Paul SARL", "2 place Saint-Paul", "", "69005", "Lyon",
                 "contact@optique-saintpaul.example", "04 78 28 67 31", mode="Carte bancaire"),
    DemoCustomer("CL0032", "Crèche Les P'tits Loups", "20 rue Francis de Pressensé", "", "69100",
                 "Villeurbanne", "direction@ptits-loups.example", "04 78 68 30 54"),
    DemoCustomer("CL0033", "Atelier Textile Morel SAS", "30 rue Royale", "", "69001", "Lyon",
                 "compta@textile-morel.example", "04 78 27 14 08"),
)

# In the invoices only, not in clients.csv (an anomaly), and a payer nobody knows (an anomaly too).
ABSENT_CUSTOMER = ("CL0041", "Garage Lemoine SARL", "Virement", 30)
UNKNOWN_PAYER = "CL0057"


@dataclass(frozen=True)
class Case:
    """One hand-written invoice: `overdue` days past due on the reference date (negative: not due)."""

    key: str
    customer: str
    overdue: int
    amount: str  # TTC, negative for a credit note
    paid_column: str = ""  # the export's Réglé
    remaining_column: str = ""  # the export's Reste dû
    dispute: bool = False
    due_text: str = ""  # an unreadable Échéance typed as text


CASES = (
    Case("MAR1", "CL0001", 50, "640.00"),
    Case("MAR2", "CL0001", 25, "380.40"),
    Case("DUP1", "CL0002", 35, "2916.00"),
    Case("DUP2", "CL0002", 8, "1044.00"),
    Case("SGE1", "CL0003", 35, "7200.00"),
    Case("MAI1", "CL0004", 125, "11340.00"),
    Case("SCI1", "CL0005", 33, "4800.00", paid_column="1500.00", remaining_column="3300.00"),
    Case("SCI2", "CL0005", 95, "1236.00", paid_column="1236.00", remaining_column="0.00"),
    Case("BATa", "CL0006", 3, "2184.00"),
    Case("BATb", "CL0006", 9, "960.00"),
    Case("BATc", "CL0006", 16, "3420.00"),
    Case("BATd", "CL0006", 28, "5610.00"),
    Case("BATe", "CL0006", 45, "1812.00"),
    Case("BATf", "CL0006", 58, "8460.00"),
    Case("BATg", "CL0006", 72, "4044.00"),
    Case("BATh", "CL0006", 130, "6720.00"),
    Case("BOU1", "CL0007", 65, "1572.00"),
    Case("RHO1", "CL0008", 110, "3960.00"),
    Case("PHA1", "CL0009", 25, "1488.00"),
    Case("LEF1", "CL0010", 25, "216.00"),
    Case("LEF2", "CL0010", 55, "216.00"),
    Case("GIR1", "CL0011", 45, "2640.00"),
    Case("FLE1", "CL0012", 20, "1254.00"),
    Case("DEC1", "CL0013", 50, "2400.00"),
    Case("DEC2", "CL0013", 30, "960.00"),
    Case("DECav", "CL0013", 20, "-1080.00"),
    Case("CLI1", "CL0014", 50, "3480.00", dispute=True),
    Case("HOT1", "CL0015", 40, "5400.00", dispute=True),
    Case("HOT2", "CL0015", 14, "1320.00"),
    Case("MON1", "CL0016", 6, "1830.00"),
    Case("MON2", "CL0016", 2, "594.00"),
    Case("DEN1", "CL0017", 19, "1860.00", paid_column="600.00", remaining_column="1160.00"),
    Case("DEN2", "CL0017", 11, "744.00"),
    Case("LAB1", "CL0018", 10, "2268.00"),
    Case("BRA1", "CL0019", 30, "1932.00"),
    Case("COI1", "CL0020", 60, "876.00"),
    Case("ROU1", "CL0021", 30, "4380.00"),
    Case("FAB1", "CL0022", 12, "1650.00"),
    Case("DUM1", "CL0023", 28, "3240.00"),
    Case("BER1", "CL0024", -10, "9600.00"),
    Case("VID1", "CL0025", 45, "1200.00"),
    Case("VID2", "CL0025", 15, "816.00"),
    Case("BON1", "CL0026", 70, "1080.00"),
    Case("BON2", "CL0026", 40, "1560.00"),
    Case("BON3", "CL0026", 12, "720.00"),
    Case("CUI1", "CL0027", 48, "2520.00"),
    Case("CHA1", "CL0028", 22, "1716.00"),
    Case("SLR1", "CL0029", 38, "3000.00"),
    Case("SLRav", "CL0029", 15, "-450.00"),
    Case("GIA1", "CL0030", 42, "1104.00"),
    Case("OPT1", "CL0031", 7, "486.00"),
    Case("CRE1", "CL0032", 80, "1428.00"),
    Case("MOR1", "CL0033", -20, "1062.00", due_text="31/02/2026"),
    Case("GAR1", "CL0041", 15, "1116.00"),
)

# (days before the reference date, payer, amount as written, how it names its invoice, invoice key)
# how: "ref" = N° facture column, "label" = only inside the Libellé, "none" = names no invoice.
CASE_PAYMENTS = (
    (8, "CL0001", "380.40", "label", "MAR2"),
    (20, "CL0003", "3000.00", "ref", "SGE1"),
    (45, "CL0005", "1500.00", "ref", "SCI1"),
    (93, "CL0005", "1236.00", "ref", "SCI2"),
    (15, "CL0012", "1248.00", "ref", "FLE1"),
    (40, "CL0013", "2400.00", "ref", "DEC1"),
    (3, "CL0024", "2880.00", "ref", "BER1"),  # deposit on an invoice not yet due
    (2, "CL0024", "12,3,4", "ref", "BER1"),  # unreadable amount: an anomaly
    (30, "CL0025", "1500.00", "ref", "VID1"),  # 300.00 more than VID1
    (20, "CL0026", "1800.00", "none", ""),
    (50, "CL0032", "1428.00", "ref", "CRE1"),
    (12, UNKNOWN_PAYER, "450.00", "none", ""),
)

# Reminders sent by hand before the tool: (days before the reference date, invoice key, level).
CASE_HISTORY = (
    (20, "DUP1", 1),
    # CL0006: four letters by hand, about different invoices (rappel 44 days ago for BATg and BATh,
    # relance ferme 28 days ago for BATf, BATg and BATh, rappels 24 and 18 days ago for BATe, BATd):
    # the mise en demeure now lists eight invoices whose histories differ, and says so.
    (44, "BATh", 1), (44, "BATg", 1),
    (28, "BATh", 2), (28, "BATg", 2), (28, "BATf", 2),
    (24, "BATe", 1),
    (18, "BATd", 1),
    (50, "BOU1", 1), (30, "BOU1", 2),
    (95, "RHO1", 1), (75, "RHO1", 2), (45, "RHO1", 3),
    (5, "PHA1", 1),
    (20, "ROU1", 1),
    (20, "DUM1", 1),
    (20, "GIA1", 1),
    (68, "CRE1", 1),  # paid since: the tool ignores it
)

# Customers that get no random extra invoice, so that their case stays exactly as written.
NO_FILLERS = {"CL0012", "CL0013", "CL0041"}
# Customers that get no random invoice not yet due (their balance must stay as written).
NO_FUTURE = NO_FILLERS | {"CL0032", "CL0016"}


@dataclass(frozen=True)
class DemoQuote:
    """A quote of devis.xlsx: its validity ends `expired` days before the reference date (negative: after)."""

    number: str
    customer: str
    expired: int
    amount: str
    status: str  # as the quoting tool writes it; "" for none


# The quotes export (README_demo.md, « Devis échus »): three expired pending quotes are followed up.
QUOTES = (
    DemoQuote("DV-2026-015", "CL0011", 60, "3480.00", "En attente"),  # « Ne pas relancer »: never
    DemoQuote("DV-2026-018", "CL0032", 45, "6840.00", "En attente"),
    DemoQuote("DV-2026-021", "CL0024", 40, "9600.00", "Accepté"),  # became invoice BER1
    DemoQuote("DV-2026-024", "CL0033", 18, "2952.00", "En attente"),
    DemoQuote("DV-2026-027", "CL0021", 9, "5160.00", ""),  # no status: pending; no email: by post
    DemoQuote("DV-2026-029", "CL0016", 25, "1740.00", "Refusé"),
    DemoQuote("DV-2026-030", "CL0028", 20, "2316.00", "Annulé"),
    DemoQuote("DV-2026-033", "CL0027", -12, "4210.80", "En attente"),  # still valid
    DemoQuote("DV-2026-034", "CL0019", 0, "1380.00", "Envoyé"),  # valid until the reference date included
)

