"""The synthetic demo organization: every name and detail here is invented."""

DEMO_PASSWORD = "peer-support-demo"  # noqa: S105  (demo accounts only; printed by `peerwell demo`)

ORGANIZATION = {
    "name": "Riverbend Peer Support (demo)",
    "slug": "riverbend-demo",
    "self_sign_up": True,
}

STAFF = [
    {"email": "admin@riverbend.example", "full_name": "Dana Whitfield", "role": "admin"},
    {"email": "auditor@riverbend.example", "full_name": "Priya Raman", "role": "auditor"},
    {"email": "supervisor@riverbend.example", "full_name": "Marisol Vega", "role": "supervisor"},
    {
        "email": "specialist@riverbend.example",
        "full_name": "Jordan Ellis",
        "role": "specialist",
        "lived_experience": ["substance_use", "veteran", "parent"],
        "languages": ["English"],
        "specializations": ["recovery", "work", "family"],
        "modalities": ["video", "phone", "in_person"],
        "gender": "man",
        "age_range": "30_50",
        "certified": True,
        # (weekdays, from, until) in the organization's zone
        "hours": [([0, 1, 2, 3, 4], "09:00", "12:00"), ([0, 1, 2, 3], "13:00", "17:00")],
        "story": "Twelve years in recovery after my service. I know the first steps are the hardest.",
    },
    {
        "email": "camila.reyes@riverbend.example",
        "full_name": "Camila Reyes",
        "role": "specialist",
        "lived_experience": ["mental_health", "parent", "faith"],
        "languages": ["English", "Spanish"],
        "specializations": ["wellbeing", "family", "connection"],
        "modalities": ["video", "phone"],
        "gender": "woman",
        "age_range": "under_30",
        "certified": False,
        "hours": [([0, 2, 4], "10:00", "16:00")],
        "story": "I lived with depression through my twenties; peer support helped me find my footing.",
        "notes_need_cosign": True,  # certification pending
    },
    {
        "email": "sam.okafor@riverbend.example",
        "full_name": "Sam Okafor",
        "role": "specialist",
        "lived_experience": ["co_occurring", "lgbtq", "housing"],
        "languages": ["English", "Spanish"],
        "specializations": ["housing", "services", "connection"],
        "modalities": ["video", "phone", "in_person"],
        "gender": "nonbinary",
        "age_range": "30_50",
        "certified": True,
        "hours": [([1, 2, 3, 4, 5], "12:00", "20:00")],
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
    {
        "email": "noor.haddad@riverbend.example",
        "full_name": "Noor Haddad",
        "preferred_name": "Noor",
    },
]

TEAM_NAME = "North team"

# Participant records of the demo: (email of the portal account or None, record, specialist).
RECORDS = [
    (
        "participant@riverbend.example",
        {
            "preferred_name": "Alex",
            "legal_name": "Alex Moreno",
            "pronouns": "they/them",
            "phone": "555-010-4411",
            "contact_method": "text",
            "referral_source": "hospital",
            "hopes": "Get back to work and have people around who get it.",
            "shared_experiences": ["substance_use", "lgbtq"],
            "recovery_pathway": "substance_use",
        },
        "specialist@riverbend.example",
    ),
    (
        "taylor.brooks@riverbend.example",
        {
            "preferred_name": "Taylor",
            "legal_name": "Taylor Brooks",
            "pronouns": "she/her",
            "phone": "555-010-4412",
            "contact_method": "phone",
            "referral_source": "clinic",
            "hopes": "Sleep better and stop feeling so alone since the move.",
            "shared_experiences": ["parent", "mental_health"],
            "recovery_pathway": "mental_health",
        },
        "specialist@riverbend.example",
    ),
    (
        "rosa.delgado@riverbend.example",
        {
            "preferred_name": "Rosie",
            "legal_name": "Rosa Delgado",
            "pronouns": "she/her",
            "phone": "555-010-4413",
            "contact_method": "text",
            "referral_source": "self",
            "language": "Spanish",
            "peer_language": "Spanish",
            "hopes": "Quiero recuperar la custodia de mis hijos y mantenerme sobria.",
            "shared_experiences": ["parent", "faith"],
            "recovery_pathway": "co_occurring",
        },
        "camila.reyes@riverbend.example",
    ),
    (
        "kevin.tran@riverbend.example",
        {
            "preferred_name": "Kevin",
            "legal_name": "Kevin Tran",
            "pronouns": "he/him",
            "phone": "555-010-4414",
            "contact_method": "email",
            "referral_source": "justice",
            "hopes": "Find housing and stay out of trouble after release.",
            "shared_experiences": ["veteran", "justice"],
            "recovery_pathway": "substance_use",
        },
        "specialist@riverbend.example",
    ),
    (
        "lena.fischer@riverbend.example",
        {
            "preferred_name": "Lena",
            "legal_name": "Lena Fischer",
            "pronouns": "",
            "phone": "555-010-4415",
            "contact_method": "phone",
            "referral_source": "crisis",
            "hopes": "Have a plan for the hard nights.",
            "shared_experiences": ["mental_health"],
            "recovery_pathway": "mental_health",
        },
        "sam.okafor@riverbend.example",
    ),
    (
        "marcus.hill@riverbend.example",
        {
            "preferred_name": "Marc",
            "legal_name": "Marcus Hill",
            "pronouns": "he/him",
            "phone": "555-010-4416",
            "contact_method": "in_person",
            "referral_source": "community",
            "hopes": "Reconnect with my kids and get my license back.",
            "shared_experiences": ["parent", "veteran"],
            "recovery_pathway": "substance_use",
        },
        "specialist@riverbend.example",
    ),
]

# Goal notes of the demo: (legal name, days ago, kind, minutes, fields, what happens after).
NOTES = [
    (
        "Alex Moreno",
        9,
        "in_person",
        50,
        {
            "mood": 6,
            "check_in": "Said the first week at the warehouse went better than expected.",
            "challenges": "Weekend cravings after payday.",
            "coping_tools": "Called their sponsor; walked the river trail.",
            "next_step": "Plan for Friday night.",
            "steps": ["Text me Friday evening", "Go to the Saturday meeting"],
        },
        "sign",
    ),
    (
        "Alex Moreno",
        2,
        "video",
        40,
        {
            "mood": 7,
            "check_in": "Feels steadier; slept most nights.",
            "coping_tools": "Practiced box breathing together.",
            "steps": ["Bring the housing form"],
        },
        "draft",
    ),
    (
        "Taylor Brooks",
        6,
        "phone",
        25,
        {
            "mood": 4,
            "check_in": "Lonely since the move; misses her sister.",
            "narrative": "I told her to stop taking her trazodone because it makes her groggy.",
            "steps": ["Ask the prescriber about feeling groggy"],
        },
        "draft",
    ),
    (
        "Kevin Tran",
        4,
        "in_person",
        60,
        {
            "mood": 5,
            "check_in": "Met his parole officer; housing list is long.",
            "coping_tools": "Wrote down three people he can call.",
            "steps": ["Visit the veterans' housing office"],
        },
        "sign",
    ),
    (
        "Rosa Delgado",
        5,
        "in_person",
        45,
        {
            "mood": 6,
            "check_in": "Contó que la audiencia de custodia es en dos semanas.",
            "coping_tools": "Practicamos la respiración profunda.",
            "steps": ["Llevar las cartas de apoyo"],
        },
        "return",
    ),
    (
        "Marcus Hill",
        21,
        "outreach",
        20,
        {
            "mood": 5,
            "check_in": "Met at the shelter; interested in the fathers' group.",
        },
        "sign",
    ),
]


# A participant who signed up and has no peer yet: the directory ranks peers for them.
NEW_PARTICIPANT = (
    "noor.haddad@riverbend.example",
    {
        "preferred_name": "Noor",
        "legal_name": "Noor Haddad",
        "email": "noor.haddad@riverbend.example",
        "contact_method": "email",
        "referral_source": "self",
        "hopes": "Someone who gets what it is like to come home and start over.",
        "support_wanted": ["recovery", "housing"],
        "shared_experiences": ["lgbtq", "housing"],
        "recovery_pathway": "co_occurring",
        "peer_language": "Spanish",
        "modalities": ["video", "phone"],
        "preferred_times": ["evening"],
    },
)

# Sessions: (participant legal name, days from today, local time, modality).
APPOINTMENTS = [
    ("Alex Moreno", 1, "10:00", "video"),
    ("Taylor Brooks", 1, "14:00", "phone"),
    ("Alex Moreno", 6, "09:00", "phone"),
]
