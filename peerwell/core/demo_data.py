"""The synthetic demo organization: every name and detail here is invented."""

DEMO_PASSWORD = "peer-support-demo"  # noqa: S105  (demo accounts only; printed by `peerwell demo`)

ORGANIZATION = {"name": "Riverbend Peer Support (demo)", "slug": "riverbend-demo"}

STAFF = [
    {"email": "admin@riverbend.example", "full_name": "Dana Whitfield", "role": "admin"},
    {"email": "auditor@riverbend.example", "full_name": "Priya Raman", "role": "auditor"},
    {"email": "supervisor@riverbend.example", "full_name": "Marisol Vega", "role": "supervisor"},
    {
        "email": "specialist@riverbend.example",
        "full_name": "Jordan Ellis",
        "role": "specialist",
        "lived_experience": ["substance_use", "veteran", "parent"],
        "languages": ["en"],
        "story": "Twelve years in recovery after my service. I know the first steps are the hardest.",
    },
    {
        "email": "camila.reyes@riverbend.example",
        "full_name": "Camila Reyes",
        "role": "specialist",
        "lived_experience": ["mental_health", "parent", "faith"],
        "languages": ["en", "es"],
        "story": "I lived with depression through my twenties; peer support helped me find my footing.",
    },
    {
        "email": "sam.okafor@riverbend.example",
        "full_name": "Sam Okafor",
        "role": "specialist",
        "lived_experience": ["co_occurring", "lgbtq", "housing"],
        "languages": ["en"],
        "story": "I came through a psychiatric stay and two years without housing. Recovery is possible.",
    },
]

PARTICIPANTS = [
    {
        "email": "participant@riverbend.example",
        "full_name": "Alex Moreno",
        "preferred_name": "Alex",
    },
    {
        "email": "taylor.brooks@riverbend.example",
        "full_name": "Taylor Brooks",
        "preferred_name": "",
    },
    {
        "email": "rosa.delgado@riverbend.example",
        "full_name": "Rosa Delgado",
        "preferred_name": "Rosie",
    },
    {"email": "kevin.tran@riverbend.example", "full_name": "Kevin Tran", "preferred_name": ""},
    {"email": "lena.fischer@riverbend.example", "full_name": "Lena Fischer", "preferred_name": ""},
    {
        "email": "marcus.hill@riverbend.example",
        "full_name": "Marcus Hill",
        "preferred_name": "Marc",
    },
]

TEAM_NAME = "North team"
