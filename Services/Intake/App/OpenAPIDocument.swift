/// Intake's API as OpenAPI 3.0, served at `GET /openapi.json`: what other systems need to feed and update Duban.
enum OpenAPIDocument {
    static let json = #"""
    {
      "openapi": "3.0.3",
      "info": {"title": "Duban intake", "version": "1.0.0",
               "description": "The front door of Duban: problems raised by businesses and residents, and updates from bureaus and submitters. Errors are {\"error\": {\"code\", \"message\"}} with stable codes."},
      "paths": {
        "/v1/cases": {
          "post": {
            "summary": "Submit a problem",
            "security": [{"apiKey": []}],
            "parameters": [{"name": "Idempotency-Key", "in": "header", "required": false,
                            "schema": {"type": "string", "minLength": 1, "maxLength": 200},
                            "description": "A retried request with the same key returns the same case."}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CaseSubmission"}}}},
            "responses": {
              "201": {"description": "Stored and announced", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SubmittedCase"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "403": {"$ref": "#/components/responses/Error"},
              "413": {"$ref": "#/components/responses/Error"},
              "415": {"$ref": "#/components/responses/Error"},
              "422": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/v1/cases/{id}/updates": {
          "post": {
            "summary": "Act on a case: a bureau's work, an approver's decision, the triage office's dispatch, the submitter's feedback",
            "security": [{"apiKey": []}],
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CaseUpdate"}}}},
            "responses": {
              "200": {"description": "Applied", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UpdatedCase"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "403": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"},
              "409": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/v1/cases/{id}/contact": {
          "get": {
            "summary": "Who raised the case and how to reach them: for the owning bureau's key (bureau:<id>) or a dispatch key only",
            "security": [{"apiKey": []}],
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {
              "200": {"description": "The contact (no name or phone once erased after personal-data.retain-days)", "content": {"application/json": {"schema": {"type": "object", "properties": {"name": {"type": "string"}, "phone": {"type": "string"}, "enterprise": {"type": "string"}}}}}},
              "401": {"$ref": "#/components/responses/Error"},
              "403": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"},
              "500": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/v1/keys/self": {
          "get": {
            "summary": "The name and scopes of the key presented (for sign-in screens such as the bureau workbench)",
            "security": [{"apiKey": []}],
            "responses": {
              "200": {"description": "The key", "content": {"application/json": {"schema": {"type": "object", "required": ["name", "scopes"], "properties": {"name": {"type": "string"}, "scopes": {"type": "array", "items": {"type": "string"}}}}}}},
              "401": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/v1/sessions": {
          "post": {
            "summary": "Sign a person in (login, password, and the one-time code where required); answers the session token",
            "security": [{"apiKey": []}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false, "required": ["login", "password"], "properties": {"login": {"type": "string", "maxLength": 64}, "password": {"type": "string", "maxLength": 128}, "code": {"type": "string", "maxLength": 6}}}}}},
            "responses": {
              "201": {"description": "Done", "content": {"application/json": {"schema": {"type": "object"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "403": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"},
              "409": {"$ref": "#/components/responses/Error"},
              "413": {"$ref": "#/components/responses/Error"},
              "415": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/v1/sessions/refresh": {
          "post": {
            "summary": "A new token for an open, not idle session (Authorization: Bearer <token>, which may have expired)",
            "security": [{"apiKey": []}],
            "responses": {
              "200": {"description": "Done", "content": {"application/json": {"schema": {"type": "object"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "403": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"},
              "409": {"$ref": "#/components/responses/Error"},
              "413": {"$ref": "#/components/responses/Error"},
              "415": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/v1/sessions/end": {
          "post": {
            "summary": "Sign out: the session ends in every service within seconds",
            "security": [{"apiKey": []}],
            "responses": {
              "204": {"description": "Done", "content": {"application/json": {"schema": {"type": "object"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "403": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"},
              "409": {"$ref": "#/components/responses/Error"},
              "413": {"$ref": "#/components/responses/Error"},
              "415": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/v1/sessions/password": {
          "post": {
            "summary": "Change one's own password (required first after creation or a reset)",
            "security": [{"apiKey": []}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false, "required": ["current", "new"], "properties": {"current": {"type": "string"}, "new": {"type": "string"}}}}}},
            "responses": {
              "200": {"description": "Done", "content": {"application/json": {"schema": {"type": "object"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "403": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"},
              "409": {"$ref": "#/components/responses/Error"},
              "413": {"$ref": "#/components/responses/Error"},
              "415": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/v1/identity/keys": {
          "get": {"summary": "The public key session tokens are verified with (JWKS, EdDSA)", "responses": {"200": {"description": "A JWKS", "content": {"application/json": {"schema": {"type": "object"}}}}}}
        },
        "/v1/identity/revocations": {
          "get": {"summary": "Ended sessions and changed accounts after a feed position (what every service follows)", "parameters": [{"name": "after", "in": "query", "schema": {"type": "integer", "minimum": 0}}], "responses": {"200": {"description": "Entries", "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object"}}}}}, "400": {"$ref": "#/components/responses/Error"}}}
        },
        "/v1/accounts": {
          "get": {
            "summary": "Accounts (system or security administrator)",
            "security": [{"apiKey": []}],
            "responses": {
              "200": {"description": "Done", "content": {"application/json": {"schema": {"type": "object"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "403": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"},
              "409": {"$ref": "#/components/responses/Error"},
              "413": {"$ref": "#/components/responses/Error"},
              "415": {"$ref": "#/components/responses/Error"}
            }
          },
          "post": {
            "summary": "Create an account (system administrator); its temporary password is answered once",
            "security": [{"apiKey": []}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false, "required": ["login", "name"], "properties": {"login": {"type": "string"}, "name": {"type": "string"}, "unit": {"type": "string"}, "phone": {"type": "string"}, "roles": {"type": "array", "items": {"type": "string", "enum": ["secretary", "supervisor", "bureau-clerk", "bureau-head", "leader", "approver", "system-admin", "security-admin", "audit-admin"]}}}}}}},
            "responses": {
              "201": {"description": "Done", "content": {"application/json": {"schema": {"type": "object"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "403": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"},
              "409": {"$ref": "#/components/responses/Error"},
              "413": {"$ref": "#/components/responses/Error"},
              "415": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/v1/audit": {
          "get": {
            "summary": "Search the audit trail (audit administrator): by actor, subject, action prefix, time; JSON or CSV",
            "security": [{"apiKey": []}],
            "parameters": [{"name": "actor", "in": "query", "schema": {"type": "string"}}, {"name": "subject", "in": "query", "schema": {"type": "string"}}, {"name": "action", "in": "query", "schema": {"type": "string"}}, {"name": "from", "in": "query", "schema": {"type": "string"}}, {"name": "to", "in": "query", "schema": {"type": "string"}}, {"name": "limit", "in": "query", "schema": {"type": "integer"}}, {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["json", "csv"]}}],
            "responses": {
              "200": {"description": "Done", "content": {"application/json": {"schema": {"type": "object"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "403": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"},
              "409": {"$ref": "#/components/responses/Error"},
              "413": {"$ref": "#/components/responses/Error"},
              "415": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/v1/imports": {
          "post": {
            "summary": "Import a problem list exported from a spreadsheet (CSV, UTF-8 or GB18030/GBK, header row), row by row",
            "parameters": [{"name": "session", "in": "query", "required": false, "schema": {"type": "string"},
                            "description": "A held meeting session whose minutes these are (needs the meetings scope): each row becomes a problem raised there, with the first_answer column."}],
            "description": "Columns: title, description (required); ref, channel, enterprise, name, phone, category, latitude, longitude, address, or their Chinese names (docs/INTAKE.md). Each row is validated like POST /v1/cases and stored on its own; a row's ref (or its content) keys idempotency, so a re-import adds nothing; empty rows are skipped. The file is the body (text/csv, application/csv, application/vnd.ms-excel, text/plain, text/tab-separated-values, application/octet-stream; UTF-8, UTF-16 with a byte-order mark or GB18030; separated by commas, tabs or semicolons) or the part 'file' of multipart/form-data.",
            "security": [{"apiKey": []}],
            "requestBody": {"required": true, "content": {
              "text/csv": {"schema": {"type": "string"}}, "application/csv": {"schema": {"type": "string"}},
              "application/vnd.ms-excel": {"schema": {"type": "string"}}, "text/plain": {"schema": {"type": "string"}},
              "text/tab-separated-values": {"schema": {"type": "string"}}, "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
              "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}}}}}},
            "responses": {
              "200": {"description": "A result per row", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ImportReport"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "403": {"$ref": "#/components/responses/Error"},
              "413": {"$ref": "#/components/responses/Error"},
              "415": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/v1/meetings/series": {
          "get": {"summary": "Every meeting series", "security": [{"apiKey": []}],
                  "responses": {"200": {"description": "The series", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/MeetingSeries"}}}}}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}}},
          "post": {"summary": "Start a meeting series with its weekly slot (the meetings scope)", "security": [{"apiKey": []}],
                   "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/MeetingSeriesInput"}}}},
                   "responses": {"201": {"description": "Created", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/MeetingSeries"}}}}, "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "413": {"$ref": "#/components/responses/Error"}, "415": {"$ref": "#/components/responses/Error"}}}
        },
        "/v1/meetings/sessions": {
          "post": {"summary": "Schedule a session, numbered next in its series (the meetings scope)", "security": [{"apiKey": []}],
                   "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/MeetingSessionInput"}}}},
                   "responses": {"201": {"description": "Scheduled", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/MeetingSession"}}}}, "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "413": {"$ref": "#/components/responses/Error"}, "415": {"$ref": "#/components/responses/Error"}}}
        },
        "/v1/meetings/sessions/{id}": {
          "get": {"summary": "One session", "security": [{"apiKey": []}], "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                  "responses": {"200": {"description": "The session", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/MeetingSession"}}}}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}},
          "patch": {"summary": "Change a scheduled or open session's record: theme, people, enterprises invited and attending", "security": [{"apiKey": []}],
                    "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/MeetingSessionChange"}}}},
                    "responses": {"200": {"description": "Changed", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/MeetingSession"}}}}, "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "413": {"$ref": "#/components/responses/Error"}, "415": {"$ref": "#/components/responses/Error"}}}
        },
        "/v1/meetings/sessions/{id}/{act}": {
          "post": {"summary": "open a scheduled session, close an open one, cancel a scheduled one", "security": [{"apiKey": []}],
                   "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}, {"name": "act", "in": "path", "required": true, "schema": {"type": "string", "enum": ["open", "close", "cancel"]}}],
                   "responses": {"200": {"description": "The session now", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/MeetingSession"}}}}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}}
        },
        "/v1/meetings/sessions/{id}/problems": {
          "post": {"summary": "Record problems raised at a held session: each a case, routed at once; a result per row", "security": [{"apiKey": []}],
                   "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                   "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SessionProblems"}}}},
                   "responses": {"200": {"description": "A result per row", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ImportReport"}}}}, "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "413": {"$ref": "#/components/responses/Error"}, "415": {"$ref": "#/components/responses/Error"}}}
        },
        "/v1/topics": {
          "post": {"summary": "Start a council topic (议题) from problems gathered, its first step (collect) recorded", "security": [{"apiKey": []}],
                   "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TopicInput"}}}},
                   "responses": {"201": {"description": "Created", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Topic"}}}}, "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "413": {"$ref": "#/components/responses/Error"}, "415": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}}
        },
        "/v1/topics/{id}": {
          "get": {"summary": "A topic with every step recorded", "security": [{"apiKey": []}], "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                  "responses": {"200": {"description": "The topic", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Topic"}}}}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}
        },
        "/v1/topics/{id}/steps": {
          "post": {"summary": "Record a topic's next step: draft (or decline with a configured reason), research, consult, publish, supervise", "security": [{"apiKey": []}],
                   "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                   "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TopicStepInput"}}}},
                   "responses": {"200": {"description": "The topic now", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Topic"}}}}, "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "413": {"$ref": "#/components/responses/Error"}, "415": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}}
        },
        "/open311/v2/discovery.{format}": {"get": {"summary": "Open311 GeoReport v2 service discovery", "parameters": [{"$ref": "#/components/parameters/Format"}], "responses": {"200": {"$ref": "#/components/responses/Open311"}, "400": {"$ref": "#/components/responses/Open311Error"}, "403": {"$ref": "#/components/responses/Open311Error"}, "404": {"$ref": "#/components/responses/Open311Error"}}}},
        "/open311/v2/services.{format}": {"get": {"summary": "Open311 service list: one per open311Codes entry in routing.yaml", "parameters": [{"$ref": "#/components/parameters/Format"}], "responses": {"200": {"$ref": "#/components/responses/Open311"}, "400": {"$ref": "#/components/responses/Open311Error"}, "403": {"$ref": "#/components/responses/Open311Error"}, "404": {"$ref": "#/components/responses/Open311Error"}}}},
        "/open311/v2/services/{service_code}.{format}": {"get": {"summary": "Open311 service definition", "parameters": [{"name": "service_code", "in": "path", "required": true, "schema": {"type": "string"}}, {"$ref": "#/components/parameters/Format"}], "responses": {"200": {"$ref": "#/components/responses/Open311"}, "400": {"$ref": "#/components/responses/Open311Error"}, "403": {"$ref": "#/components/responses/Open311Error"}, "404": {"$ref": "#/components/responses/Open311Error"}}}},
        "/open311/v2/requests.{format}": {
          "get": {"summary": "Open311 service requests (90 days or 1,000 by default)", "parameters": [{"$ref": "#/components/parameters/Format"},
            {"name": "service_request_id", "in": "query", "schema": {"type": "string"}}, {"name": "service_code", "in": "query", "schema": {"type": "string"}},
            {"name": "start_date", "in": "query", "schema": {"type": "string"}}, {"name": "end_date", "in": "query", "schema": {"type": "string"}},
            {"name": "status", "in": "query", "schema": {"type": "string"}}], "responses": {"200": {"$ref": "#/components/responses/Open311"}, "400": {"$ref": "#/components/responses/Open311Error"}, "403": {"$ref": "#/components/responses/Open311Error"}, "404": {"$ref": "#/components/responses/Open311Error"}}},
          "post": {"summary": "Create an Open311 service request (api_key with the submit scope)", "parameters": [{"$ref": "#/components/parameters/Format"}],
            "requestBody": {"required": true, "content": {"application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/Open311Request"}}}},
            "responses": {"200": {"$ref": "#/components/responses/Open311"}, "400": {"$ref": "#/components/responses/Open311Error"}, "403": {"$ref": "#/components/responses/Open311Error"}, "404": {"$ref": "#/components/responses/Open311Error"}}}
        },
        "/open311/v2/requests/{service_request_id}.{format}": {"get": {"summary": "One Open311 service request, as a list of one", "parameters": [{"name": "service_request_id", "in": "path", "required": true, "schema": {"type": "string"}}, {"$ref": "#/components/parameters/Format"}], "responses": {"200": {"$ref": "#/components/responses/Open311"}, "400": {"$ref": "#/components/responses/Open311Error"}, "403": {"$ref": "#/components/responses/Open311Error"}, "404": {"$ref": "#/components/responses/Open311Error"}}}},
        "/open311/v2/tokens/{token}.{format}": {"get": {"summary": "The request id for a token (requests are realtime: the token is the id)", "parameters": [{"name": "token", "in": "path", "required": true, "schema": {"type": "string"}}, {"$ref": "#/components/parameters/Format"}], "responses": {"200": {"$ref": "#/components/responses/Open311"}, "400": {"$ref": "#/components/responses/Open311Error"}, "403": {"$ref": "#/components/responses/Open311Error"}, "404": {"$ref": "#/components/responses/Open311Error"}}}},
        "/open311/v2/servicerequestupdates.{format}": {
          "get": {"summary": "Status updates (FixMyStreet's extension)", "parameters": [{"$ref": "#/components/parameters/Format"},
            {"name": "start_date", "in": "query", "schema": {"type": "string"}}, {"name": "end_date", "in": "query", "schema": {"type": "string"}}],
            "responses": {"200": {"$ref": "#/components/responses/Open311"}, "400": {"$ref": "#/components/responses/Open311Error"}, "403": {"$ref": "#/components/responses/Open311Error"}, "404": {"$ref": "#/components/responses/Open311Error"}}},
          "post": {"summary": "A bureau's system pushes a status change (api_key of that bureau)", "parameters": [{"$ref": "#/components/parameters/Format"}],
            "requestBody": {"required": true, "content": {"application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/Open311Update"}}}},
            "responses": {"200": {"$ref": "#/components/responses/Open311"}, "400": {"$ref": "#/components/responses/Open311Error"}, "403": {"$ref": "#/components/responses/Open311Error"}, "404": {"$ref": "#/components/responses/Open311Error"}}}
        },
        "/health": {
          "get": {"summary": "Liveness and delivery backlog", "responses": {"200": {"description": "The health report", "content": {"application/json": {"schema": {"type": "object"}}}}}}
        }
      },
      "components": {
        "parameters": {"Format": {"name": "format", "in": "path", "required": true, "schema": {"type": "string", "enum": ["json", "xml"]}}},
        "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer", "description": "A key made with `intake keys create --name NAME --scope submit`, or a person's session token from POST /v1/sessions."}},
        "responses": {
          "Open311": {"description": "GeoReport v2 content, the same in both formats", "content": {"application/json": {"schema": {}}, "text/xml": {"schema": {"type": "string"}}}},
          "Open311Error": {"description": "GeoReport v2 errors: a list of {code, description}; the description starts with Duban's stable code", "content": {
            "application/json": {"schema": {"type": "array", "items": {"type": "object", "required": ["code", "description"],
                                 "properties": {"code": {"type": "integer"}, "description": {"type": "string"}}}}},
            "text/xml": {"schema": {"type": "string"}}}},
          "Error": {"description": "Refused, with a stable code", "content": {"application/json": {"schema": {
            "type": "object", "required": ["error"],
            "properties": {"error": {"type": "object", "required": ["code", "message"],
                                     "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}}}}}
        },
        "schemas": {
          "CaseSubmission": {
            "type": "object", "additionalProperties": false, "required": ["title", "description"],
            "properties": {
              "title": {"type": "string", "minLength": 1, "maxLength": 200},
              "description": {"type": "string", "minLength": 1, "maxLength": 4000},
              "channel": {"type": "string", "enum": ["meeting", "hotline", "web", "liaison", "open311", "api"], "default": "api"},
              "enterprise": {"type": "string", "maxLength": 200},
              "submitter": {"type": "object", "additionalProperties": false,
                            "properties": {"name": {"type": "string", "maxLength": 100}, "enterprise": {"type": "string", "maxLength": 200},
                                           "phone": {"type": "string", "maxLength": 40}}},
              "category": {"type": "string", "maxLength": 64},
              "location": {"type": "object", "additionalProperties": false,
                           "properties": {"latitude": {"type": "number", "minimum": -90, "maximum": 90},
                                          "longitude": {"type": "number", "minimum": -180, "maximum": 180},
                                          "address": {"type": "string", "maxLength": 500}}}
            }
          },
          "SubmittedCase": {
            "type": "object", "required": ["id", "status", "submittedAt"],
            "properties": {"id": {"type": "string", "example": "DB-20261128-000001"}, "status": {"type": "string"},
                           "submittedAt": {"type": "string", "format": "date-time"}}
          },
          "CaseUpdate": {
            "type": "object", "additionalProperties": false, "required": ["action"],
            "properties": {
              "action": {"type": "string", "enum": ["sign", "measure", "progress", "resolve", "return", "request_extension",
                                                    "decide_extension", "dispatch", "confirm", "reject", "rate", "instruct",
                                                    "propose_return", "propose_extension", "decide_proposal"]},
              "note": {"type": "string", "maxLength": 4000, "description": "Required for measure, progress, resolve, return, request_extension, instruct (批示), propose_return, propose_extension."},
              "bureau": {"type": "string", "description": "dispatch: the bureau to send the case to."},
              "days": {"type": "integer", "minimum": 1, "maximum": 60, "description": "request_extension: working days asked for."},
              "approved": {"type": "boolean", "description": "decide_extension, decide_proposal."},
              "score": {"type": "integer", "minimum": 1, "maximum": 5, "description": "rate: satisfaction."}
            }
          },
          "UpdatedCase": {
            "type": "object", "required": ["id", "updateId", "action", "status"],
            "properties": {"id": {"type": "string"}, "updateId": {"type": "integer"}, "action": {"type": "string"}, "status": {"type": "string"}}
          },
          "MeetingSeriesInput": {"type": "object", "required": ["id", "name"], "additionalProperties": false, "properties": {
            "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$", "maxLength": 32}, "name": {"type": "string", "maxLength": 100},
            "weekday": {"type": "integer", "minimum": 1, "maximum": 7}, "startsAt": {"type": "string", "example": "20:00"}, "endsAt": {"type": "string", "example": "22:00"},
            "chair": {"type": "string", "maxLength": 100}, "venue": {"type": "string", "maxLength": 200}}},
          "MeetingSeries": {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}, "weekday": {"type": "integer"},
            "startsAt": {"type": "string"}, "endsAt": {"type": "string"}, "chair": {"type": "string"}, "venue": {"type": "string"}}},
          "MeetingSessionChange": {"type": "object", "additionalProperties": false, "properties": {
            "date": {"type": "string", "format": "date"}, "startsAt": {"type": "string"}, "endsAt": {"type": "string"},
            "venue": {"type": "string", "maxLength": 200}, "theme": {"type": "string", "maxLength": 200}, "chair": {"type": "string", "maxLength": 100},
            "leaders": {"type": "array", "maxItems": 100, "items": {"type": "string", "maxLength": 200}},
            "bureaus": {"type": "array", "maxItems": 100, "items": {"type": "string"}, "description": "bureau ids of routing.yaml"},
            "invited": {"type": "array", "maxItems": 100, "items": {"type": "string", "maxLength": 200}},
            "attending": {"type": "array", "maxItems": 100, "items": {"type": "string", "maxLength": 200}}}},
          "MeetingSessionInput": {"type": "object", "required": ["series", "theme"], "additionalProperties": false, "properties": {
            "series": {"type": "string"}, "date": {"type": "string", "format": "date"}, "startsAt": {"type": "string"}, "endsAt": {"type": "string"},
            "venue": {"type": "string", "maxLength": 200}, "theme": {"type": "string", "maxLength": 200}, "chair": {"type": "string", "maxLength": 100},
            "leaders": {"type": "array", "maxItems": 100, "items": {"type": "string", "maxLength": 200}},
            "bureaus": {"type": "array", "maxItems": 100, "items": {"type": "string"}, "description": "bureau ids of routing.yaml"},
            "invited": {"type": "array", "maxItems": 100, "items": {"type": "string", "maxLength": 200}},
            "attending": {"type": "array", "maxItems": 100, "items": {"type": "string", "maxLength": 200}}}},
          "MeetingSession": {"type": "object", "properties": {"id": {"type": "string", "example": "zhengqi-16"}, "series": {"type": "string"},
            "seriesName": {"type": "string"}, "number": {"type": "integer"}, "date": {"type": "string"}, "startsAt": {"type": "string"}, "endsAt": {"type": "string"},
            "venue": {"type": "string"}, "theme": {"type": "string"}, "chair": {"type": "string"},
            "leaders": {"type": "array", "items": {"type": "string"}}, "bureaus": {"type": "array", "items": {"type": "string"}},
            "invited": {"type": "array", "items": {"type": "string"}}, "attending": {"type": "array", "items": {"type": "string"}},
            "state": {"type": "string", "enum": ["scheduled", "open", "closed", "cancelled"]}, "openedAt": {"type": "string"}, "closedAt": {"type": "string"}}},
          "SessionProblems": {"type": "object", "required": ["problems"], "additionalProperties": false, "properties": {
            "problems": {"type": "array", "minItems": 1, "maxItems": 200, "items": {"type": "object", "required": ["title"], "additionalProperties": false, "properties": {
              "title": {"type": "string", "maxLength": 200}, "description": {"type": "string", "maxLength": 4000}, "enterprise": {"type": "string", "maxLength": 200},
              "firstAnswer": {"type": "string", "maxLength": 2000}, "category": {"type": "string"}, "name": {"type": "string"}, "phone": {"type": "string"}}}}}},
          "TopicInput": {"type": "object", "additionalProperties": false, "properties": {"title": {"type": "string", "maxLength": 200},
            "area": {"type": "string", "maxLength": 100}, "cases": {"type": "array", "maxItems": 500, "items": {"type": "string"}}, "notes": {"type": "string", "maxLength": 4000}}},
          "TopicStepInput": {"type": "object", "required": ["step"], "additionalProperties": false, "properties": {
            "step": {"type": "string", "enum": ["draft", "research", "consult", "publish", "supervise"]}, "notes": {"type": "string", "maxLength": 4000},
            "parties": {"type": "array", "maxItems": 50, "items": {"type": "object", "required": ["party", "position"], "properties": {"party": {"type": "string"}, "position": {"type": "string"}}}},
            "decision": {"type": "string", "maxLength": 4000}, "result": {"type": "string", "maxLength": 4000},
            "cases": {"type": "array", "maxItems": 500, "items": {"type": "string"}}, "declined": {"type": "boolean"}, "reason": {"type": "string"}}},
          "Topic": {"type": "object", "properties": {"id": {"type": "string", "example": "YT-0001"}, "title": {"type": "string"}, "area": {"type": "string"},
            "step": {"type": "string"}, "state": {"type": "string", "enum": ["active", "declined"]}, "declineReason": {"type": "string"},
            "cases": {"type": "array", "items": {"type": "string"}}, "executionCases": {"type": "array", "items": {"type": "string"}},
            "decision": {"type": "string"}, "result": {"type": "string"}, "publishedAt": {"type": "string"}, "records": {"type": "array", "items": {"type": "object"}}, "createdAt": {"type": "string"}}},
          "ImportReport": {
            "type": "object", "required": ["rows", "created", "duplicates", "failed", "skipped", "encoding", "results"],
            "properties": {"rows": {"type": "integer"}, "created": {"type": "integer"}, "duplicates": {"type": "integer"}, "failed": {"type": "integer"},
                           "skipped": {"type": "integer"}, "encoding": {"type": "string", "enum": ["utf-8", "gb18030"]},
                           "results": {"type": "array", "items": {"type": "object", "required": ["row", "outcome"],
                             "properties": {"row": {"type": "integer"}, "ref": {"type": "string"}, "outcome": {"type": "string", "enum": ["created", "duplicate", "error"]},
                                            "id": {"type": "string"}, "code": {"type": "string"}, "message": {"type": "string"}}}}}
          },
          "Open311Request": {
            "type": "object", "required": ["api_key", "service_code"],
            "properties": {"api_key": {"type": "string"}, "service_code": {"type": "string"}, "lat": {"type": "number"}, "long": {"type": "number"},
                           "address_string": {"type": "string"}, "address_id": {"type": "string"}, "description": {"type": "string", "maxLength": 4000},
                           "first_name": {"type": "string"}, "last_name": {"type": "string"}, "phone": {"type": "string"}, "email": {"type": "string"},
                           "device_id": {"type": "string"}, "account_id": {"type": "string"}, "media_url": {"type": "string"}}
          },
          "Open311Update": {
            "type": "object", "required": ["api_key", "service_request_id", "status"],
            "properties": {"api_key": {"type": "string"}, "service_request_id": {"type": "string"}, "update_id": {"type": "string"},
                           "status": {"type": "string", "enum": ["open", "in_progress", "investigating", "action_scheduled", "fixed", "closed",
                                                                 "no_further_action", "duplicate", "not_councils_responsibility", "internal_referral", "reopen"]},
                           "updated_datetime": {"type": "string"}, "description": {"type": "string", "maxLength": 4000}}
          }
        }
      }
    }
    """#
}
