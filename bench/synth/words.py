"""French-ish vocabulary for synthetic records: names, places, trades and phrases."""


def _split(text: str, sep: str = "|") -> tuple[str, ...]:
    """The items of a `sep`-separated list (keeps the vocabulary compact)."""
    return tuple(item.strip() for item in text.split(sep))


FIRST_NAMES = _split(
    "Jeanne Marie Camille Léa Manon Chloé Inès Louise Julie Sophie Claire Anne Hélène Élodie "
    "Isabelle Nathalie Sandrine Céline Aurélie Émilie Lucie Margaux Pauline Agathe Jean "
    "Pierre Paul Louis Lucas Hugo Thomas Nicolas Julien Antoine François Benoît Mathieu "
    "Olivier Philippe Stéphane Sébastien Christophe Arnaud Jérôme Rémi Théo Noé Gaëlle Maëlle "
    "Bérénice Yannick Gwenaël Loïc Cédric Damien Fabrice Grégoire Hervé",
    " ",
)

LAST_NAMES = _split(
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent "
    "Lefèvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Lefebvre "
    "Mercier Dupont Lambert Bonnet François Martinez Legrand Garnier Faure Rousseau Blanc "
    "Guérin Muller Henry Roussel Nicolas Perrin Morin Mathieu Clément Gauthier Dumont Lopez "
    "Fontaine Chevalier Robin Masson Sanchez Gérard Nguyen Boyer Denis Lemaire Duval Joly "
    "Gautier Roger Roche Roy Noël Meyer Lucas Meunier Jean Pérez Marchand Dufour Blanchard "
    "Barbier Brun Dumas Brunet Schmitt Leroux Colin Fernandez Pierre Renard Arnaud Rolland "
    "Caron Aubert Giraud Leclerc Vidal Bourgeois Renaud Lemoine Picard Gaillard Philippe "
    "Sapin Chênevert Boisseau Pelletier Charpentier Tisserand Meunier Fabre Carpentier",
    " ",
)

TRADES = _split(
    "Boulangerie Pâtisserie Menuiserie Garage Pépinières Imprimerie Cabinet Atelier "
    "Ferronnerie Librairie Fromagerie Domaine Transports Plomberie Électricité Boucherie "
    "Agence Studio Brasserie Maison Laboratoire Conseil Cave Scierie",
    " ",
)

COMPANY_WORDS = _split(
    "du Rhône | des Alpes | du Vieux Port | de la Croix-Rousse | des Tilleuls | du Centre | "
    "de la Gare | des Quatre Saisons | du Lac | des Monts | du Moulin | de Bellecour | du "
    "Beaujolais | de la Presqu'île | des Sapins | du Plateau | Saint-Jean | des Canuts | du "
    "Parc | des Brotteaux"
)

LEGAL_FORMS = _split(
    "SARL SAS EURL SASU EI SA SCOP",
    " ",
)

STREETS = _split(
    "rue des Lilas | avenue Jean Jaurès | rue de la République | boulevard des Belges | rue "
    "Victor Hugo | place Bellecour | rue du Moulin | chemin des Vignes | rue Pasteur | quai "
    "Saint-Antoine | allée des Tilleuls | rue de la Gare | impasse des Érables | cours "
    "Lafayette | route de Genève"
)

ROLES = _split(
    "Gérant | Gérante | Responsable communication | Directeur administratif et financier | "
    "Assistante de direction | Responsable achats | Chef de chantier | Comptable | "
    "Responsable informatique | Commercial | Responsable qualité | Directrice générale"
)

SERVICE_WORDS = _split(
    "Heure de conseil | Journée de formation | Forfait installation | Maintenance annuelle | "
    "Déplacement | Audit sur site | Hébergement mensuel | Développement spécifique (jour)"
)

SUBJECT_TOPICS = _split(
    "Rénovation de la vitrine | Site vitrine et extranet | Contrat de maintenance | "
    "Fourniture de sapins | Aménagement du showroom | Formation des équipes | Refonte de "
    "l'identité visuelle | Installation du réseau | Migration de la messagerie | Audit "
    "énergétique | Campagne de fin d'année | Terrasse en bois | Mise aux normes électriques | "
    "Catalogue printemps | Logiciel de caisse | Déménagement des bureaux"
)

NEXT_STEPS = _split(
    "Relancer par téléphone | Envoyer le devis détaillé | Attendre le retour du client | "
    "Planifier un rendez-vous sur site | Préparer la proposition | Rappeler la semaine "
    "prochaine | Valider le planning avec l'équipe | Faire signer le bon de commande | "
    "Vérifier la disponibilité du stock | Envoyer le compte rendu"
)

NOTE_SENTENCES = _split(
    "Premier échange très positif avec la gérante. | Budget validé en interne, attend le "
    "devis détaillé. | Points d'attention : délais de livraison et accès au chantier. | Le "
    "client souhaite un interlocuteur unique pour le suivi. | Rappeler avant la fin du mois, "
    "période chargée ensuite. | Concurrence sérieuse sur le prix, insister sur la qualité du "
    "service. | Les plans ont été transmis par courriel, version 3. | Réunion de lancement "
    "prévue avec toute l'équipe. | Demande d'un échelonnement du paiement en trois fois. | Le "
    "stock actuel ne suffit pas, prévoir un réassort. | Très satisfait de la dernière "
    "intervention. | Prévoir un déplacement sur site pour les mesures. | Facture précédente "
    "réglée avec retard, surveiller. | Intéressé par une extension du contrat à ses deux "
    "autres sites. | **Important** : ne pas appeler le lundi matin. | Voir le compte rendu du "
    "salon pour le détail des besoins. | Le comptable demande les factures au format Factur-X "
    "à partir de janvier. | Rendez-vous décalé à la demande du client, nouvelle date à "
    "confirmer. | Livraison en deux fois : une partie avant les fêtes, le solde en janvier. | "
    "Contact recommandé par un client satisfait du quartier. | Demande de remise de 5 % "
    "refusée, proposé un geste sur la livraison. | Pièces commandées chez le fournisseur "
    "habituel, délai annoncé de trois semaines. | Le bon de commande signé est arrivé par "
    "courrier. | Souhaite être rappelé en fin de journée, après 17 h."
)

INTERNAL_SENTENCES = _split(
    "Client historique, marge confortable. | Négocier au plus juste, client sensible au prix. "
    "| Risque de retard côté fournisseur. | Possibilité de vente additionnelle au printemps. "
    "| Dossier à reprendre en cas d'absence de Benoît."
)

PROJECT_TOPICS = _split(
    "Extranet client | Refonte du site | Chantier | Déploiement | Salon | Formation | "
    "Installation | Campagne | Audit | Migration"
)

CITIES = (
    ("Lyon", "69003", "4"),
    ("Lyon", "69007", "4"),
    ("Villeurbanne", "69100", "4"),
    ("Grenoble", "38000", "4"),
    ("Annecy", "74000", "4"),
    ("Bourg-en-Bresse", "01000", "4"),
    ("Oyonnax", "01100", "4"),
    ("Saint-Étienne", "42000", "4"),
    ("Valence", "26000", "4"),
    ("Chambéry", "73000", "4"),
    ("Paris", "75011", "1"),
    ("Paris", "75018", "1"),
    ("Marseille", "13006", "4"),
    ("Ajaccio", "20000", "4"),
    ("Bastia", "20200", "4"),
    ("Nantes", "44000", "2"),
    ("Bordeaux", "33000", "5"),
    ("Toulouse", "31000", "5"),
    ("Lille", "59000", "3"),
    ("Strasbourg", "67000", "3"),
    ("Dijon", "21000", "3"),
    ("Clermont-Ferrand", "63000", "4"),
    ("Rennes", "35000", "2"),
    ("Montpellier", "34000", "4"),
    ("Nice", "06000", "4"),
    ("Gap", "05000", "4"),
    ("Laon", "02000", "3"),
    ("Moulins", "03000", "4"),
)


PRODUCT_WORDS = (
    ("Sapin Nordmann", "pièce"),
    ("Épicéa", "pièce"),
    ("Terreau horticole 50 L", "sac"),
    ("Poteau chêne", "pièce"),
    ("Lame de terrasse pin", "m"),
    ("Vis inox", "boîte"),
    ("Câble électrique 3G2,5", "m"),
    ("Disjoncteur 16 A", "pièce"),
    ("Ramette papier A4", "paquet"),
    ("Cartouche d'encre", "pièce"),
    ("Ordinateur portable", "pièce"),
    ("Écran 27 pouces", "pièce"),
    ("Routeur Wi-Fi", "pièce"),
    ("Farine T65", "kg"),
    ("Bouteille de Beaujolais", "bouteille"),
    ("Panneau OSB", "pièce"),
    ("Peinture acrylique 10 L", "pot"),
    ("Perceuse visseuse", "pièce"),
    ("Tondeuse thermique", "pièce"),
    ("Casque de chantier", "pièce"),
)


User = tuple[str, str, int, str | None]  # id, name, hourly cost, start address


USERS: tuple[User, ...] = (
    ("benoit", "Benoît Martin", 30, "12 rue des Lilas, 69003 Lyon"),
    ("claire", "Claire Dubois", 35, "8 avenue Jean Jaurès, 69007 Lyon"),
    ("julien", "Julien Moreau", 28, None),
    ("sophie", "Sophie Laurent", 40, "3 place Bellecour, 69002 Lyon"),
    ("antoine", "Antoine Girard", 32, None),
    ("lea", "Léa Fournier", 27, None),
    ("mathieu", "Mathieu Roux", 45, "27 rue Pasteur, 38000 Grenoble"),
    ("helene", "Hélène Bonnet", 38, None),
    ("remi", "Rémi Garnier", 30, None),
    ("ines", "Inès Faure", 33, None),
)
