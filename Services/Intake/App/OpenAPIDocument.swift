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
            "parameters": [{"name": "Idempotency-Key", "in": "header", "required": false,
                            "schema": {"type": "string", "minLength": 1, "maxLength": 200},
                            "description": "A retried request with the same key returns the same case."}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CaseSubmission"}}}},
            "responses": {
              "201": {"description": "Stored and announced", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SubmittedCase"}}}},
              "400": {"$ref": "#/components/responses/Error"},
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
        "/health": {
          "get": {"summary": "Liveness and delivery backlog", "responses": {"200": {"description": "The health report", "content": {"application/json": {"schema": {"type": "object"}}}}}}
        }
      },
      "components": {
        "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer", "description": "A key made with `intake keys create`."}},
        "responses": {
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
                                                    "decide_extension", "dispatch", "confirm", "reject", "rate"]},
              "note": {"type": "string", "maxLength": 4000, "description": "Required for measure, progress, resolve, return, request_extension."},
              "bureau": {"type": "string", "description": "dispatch: the bureau to send the case to."},
              "days": {"type": "integer", "minimum": 1, "maximum": 60, "description": "request_extension: working days asked for."},
              "approved": {"type": "boolean", "description": "decide_extension."},
              "score": {"type": "integer", "minimum": 1, "maximum": 5, "description": "rate: satisfaction."}
            }
          },
          "UpdatedCase": {
            "type": "object", "required": ["id", "action", "status"],
            "properties": {"id": {"type": "string"}, "action": {"type": "string"}, "status": {"type": "string"}}
          }
        }
      }
    }
    """#
}
