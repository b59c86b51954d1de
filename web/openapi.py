"""The OpenAPI 3.1 description of ``/api/v1`` (served at ``/api/v1/openapi.json``)."""

from __future__ import annotations

_ERROR = {"$ref": "#/components/responses/Error"}


def _op(summary: str, ok: str, ok_desc: str, *, params=(), body=None, errors=("401", "403")) -> dict:
    op = {
        "summary": summary,
        "parameters": list(params),
        "responses": {
            "200": {
                "description": ok_desc,
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ok}"}}},
            },
            **{code: _ERROR for code in errors},
        },
    }
    if body:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{body}"}}},
        }
    return op


def _id(name: str, what: str) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": what,
        "schema": {"type": "integer", "minimum": 1},
    }


def document() -> dict:
    task = {
        "type": "object",
        "required": ["id", "case_id", "unit", "year", "stage", "title", "overdue"],
        "properties": {
            "id": {"type": "integer"},
            "case_id": {"type": "integer"},
            "unit": {"type": "string"},
            "region": {"type": "string"},
            "year": {"type": "integer"},
            "stage": {"type": "string"},
            "title": {"type": "string"},
            "due_at": {"type": ["string", "null"], "format": "date-time"},
            "overdue": {"type": "boolean"},
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "P2HAM API",
            "version": "1.0.0",
            "description": "API alur kerja evaluasi P2HAM. "
            "Autentikasi: header `Authorization: Bearer <token>`; "
            "token dibuat pada halaman Akun > Token API. Pesan galat dalam Bahasa Indonesia "
            "(`message`) dan Inggris (`message_en`).",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": {
            "/me": {"get": _op("Akun pemilik token", "Me", "Akun")},
            "/tasks": {
                "get": _op("Tugas saya yang terbuka, tenggat terdekat lebih dulu", "TaskList", "Daftar tugas")
            },
            "/pool": {
                "get": _op("Tugas peran saya yang belum diambil siapa pun", "TaskList", "Daftar tugas")
            },
            "/tasks/{task_id}/claim": {
                "post": _op(
                    "Ambil tugas dari pool",
                    "Claimed",
                    "Tugas diambil",
                    params=[_id("task_id", "Nomor tugas")],
                    errors=("401", "403", "409"),
                )
            },
            "/cases/{case_id}": {
                "get": _op(
                    "Status kasus: tahap, aksi yang boleh saya lakukan, tugas, tenggat, riwayat",
                    "CaseStatus",
                    "Status kasus",
                    params=[_id("case_id", "Nomor kasus")],
                    errors=("401", "403", "404"),
                )
            },
            "/cases/{case_id}/events": {
                "post": _op(
                    "Lakukan aksi (event) pada kasus",
                    "CaseView",
                    "Tahap baru",
                    params=[_id("case_id", "Nomor kasus")],
                    body="FireEvent",
                    errors=("401", "403", "404", "409", "422"),
                )
            },
            "/cases/{case_id}/evidence": {
                "post": {
                    "summary": "Unggah berkas data dukung satu butir (draf; versi lama tetap tersimpan)",
                    "parameters": [_id("case_id", "Nomor kasus")],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "multipart/form-data": {"schema": {"$ref": "#/components/schemas/Upload"}}
                        },
                    },
                    "responses": {
                        "201": {
                            "description": "Berkas diterima",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/EvidenceItem"}}
                            },
                        },
                        **{code: _ERROR for code in ("401", "403", "404", "409", "422")},
                    },
                }
            },
            "/cases/{case_id}/evidence/{record_id}/decision": {
                "post": _op(
                    "Keputusan Verifikator atas satu butir data dukung",
                    "EvidenceItem",
                    "Keputusan disimpan",
                    params=[_id("case_id", "Nomor kasus"), _id("record_id", "Nomor data dukung (`id`)")],
                    body="Decision",
                    errors=("401", "403", "404", "409", "422"),
                )
            },
            "/openapi.json": {
                "get": {
                    "summary": "Dokumen ini",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "OpenAPI 3.1",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {
                "Error": {
                    "description": "Permintaan ditolak",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                }
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error", "message"],
                    "properties": {
                        "error": {"type": "string"},
                        "message": {"type": "string"},
                        "message_en": {"type": "string"},
                        "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                    },
                },
                "Me": {
                    "type": "object",
                    "required": ["id", "username", "role"],
                    "properties": {
                        "id": {"type": "integer"},
                        "username": {"type": "string"},
                        "full_name": {"type": "string"},
                        "role": {"enum": ["admin", "operator", "verifikator", "penilai"]},
                        "unit_id": {"type": ["integer", "null"]},
                    },
                },
                "Task": task,
                "TaskList": {
                    "type": "object",
                    "required": ["tasks"],
                    "properties": {
                        "tasks": {"type": "array", "items": {"$ref": "#/components/schemas/Task"}}
                    },
                },
                "Claimed": {
                    "type": "object",
                    "required": ["claimed"],
                    "properties": {"claimed": {"type": "integer"}},
                },
                "CaseView": {
                    "type": "object",
                    "required": ["id", "state", "stage", "version", "final"],
                    "properties": {
                        "id": {"type": "integer"},
                        "state": {"type": "string"},
                        "stage": {"type": "string"},
                        "version": {"type": "integer"},
                        "outcome": {"type": ["string", "null"]},
                        "final": {"type": "boolean"},
                    },
                },
                "CaseStatus": {
                    "type": "object",
                    "required": ["id", "unit", "year", "state", "stage", "version", "events", "history"],
                    "properties": {
                        "id": {"type": "integer"},
                        "unit_id": {"type": "integer"},
                        "unit": {"type": "string"},
                        "year": {"type": "integer"},
                        "state": {"type": "string"},
                        "stage": {"type": "string"},
                        "version": {"type": "integer"},
                        "outcome": {"type": ["string", "null"]},
                        "final": {"type": "boolean"},
                        "definition": {"type": "string"},
                        "events": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {"event": {"type": "string"}, "label": {"type": "string"}},
                            },
                        },
                        "tasks": {"type": "array", "items": {"type": "object"}},
                        "timers": {"type": "array", "items": {"type": "object"}},
                        "history": {"type": "array", "items": {"type": "object"}},
                    },
                },
                "Upload": {
                    "type": "object",
                    "required": ["indicator", "item", "file"],
                    "properties": {
                        "indicator": {"type": "string", "examples": ["K1.5"]},
                        "item": {"type": "string", "examples": ["foto_ramp"]},
                        "file": {"type": "string", "contentMediaType": "application/octet-stream"},
                        "expected_rev": {
                            "type": "integer",
                            "description": "Revisi butir yang Anda lihat (0 = belum ada); bila berubah: 409.",
                        },
                    },
                },
                "EvidenceItem": {
                    "type": "object",
                    "required": ["id", "case_id", "indicator", "item", "status", "version", "rev"],
                    "properties": {
                        "id": {"type": "integer"},
                        "case_id": {"type": "integer"},
                        "section": {"type": "string"},
                        "indicator": {"type": "string"},
                        "item": {"type": "string"},
                        "status": {"type": "string", "examples": ["draft", "submitted", "memenuhi"]},
                        "version": {"type": "integer"},
                        "rev": {"type": "integer"},
                    },
                },
                "Decision": {
                    "type": "object",
                    "required": ["decision"],
                    "properties": {
                        "decision": {"enum": ["memenuhi", "perlu_perbaikan", "tidak_memenuhi"]},
                        "note": {
                            "type": "string",
                            "description": "Wajib untuk `perlu_perbaikan` dan `tidak_memenuhi`.",
                        },
                        "expected_rev": {"type": "integer"},
                    },
                },
                "FireEvent": {
                    "type": "object",
                    "required": ["event"],
                    "properties": {
                        "event": {"type": "string", "examples": ["fail_evaluation"]},
                        "payload": {
                            "type": "object",
                            "description": "Kolom yang diwajibkan aksi, mis. `reasons` (daftar) atau `note`.",
                        },
                        "expected_version": {
                            "type": "integer",
                            "description": "Versi kasus yang Anda lihat; bila kasus "
                            "berubah sejak itu, jawabannya 409.",
                        },
                    },
                },
            },
        },
    }
