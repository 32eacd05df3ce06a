//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation

/// A JSON value as it was written: booleans, integers and other numbers stay apart (JSONSerialization gives NSNumber
/// for all three, so a `"true"`-for-`true` or `1`-for-`true` slip would go unnoticed).
public enum JSONValue: Equatable, Sendable, Decodable, CustomStringConvertible {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        // JSONDecoder decodes a JSON boolean only as Bool and a number only as a number, so the order tells them apart;
        // Int before Double keeps `3` an integer.
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Parses one JSON text (a document, or one NDJSON line).
    public static func parse(_ text: some StringProtocol) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    /// The JSON Schema type name of the value (`integer` for whole numbers).
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .integer: "integer"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var description: String {
        switch self {
        case .null: "null"
        case .bool(let value): "\(value)"
        case .integer(let value): "\(value)"
        case .number(let value): "\(value)"
        case .string(let value): "\"\(value)\""
        case .array(let values): "[" + values.map(\.description).joined(separator: ",") + "]"
        case .object(let members):
            "{" + members.keys.sorted().map { "\"\($0)\":\(members[$0]!)" }.joined(separator: ",") + "}"
        }
    }
}

/// A checker for the subset of JSON Schema (draft 2020-12) that Docs/JSON.md uses: `type` (a name or a list),
/// `enum`, `minimum`, `properties`, `required`, `additionalProperties` (`false` or `true`), `items` and `$ref` to
/// another schema's `$id`. `$schema`, `$id`, `title` and `description` are annotations. Any other keyword is an error
/// of the schema (``schemaProblems()``), so a schema never promises a check that is not made.
public struct JSONSchemaChecker: Sendable {
    /// The schemas by their `$id`.
    public let schemas: [String: JSONValue]

    static let keywords: Set<String> = [
        "type", "enum", "minimum", "properties", "required", "additionalProperties", "items", "$ref",
    ]
    static let annotations: Set<String> = ["$schema", "$id", "title", "description"]
    static let typeNames: Set<String> = ["null", "boolean", "integer", "number", "string", "array", "object"]

    public init(schemas: [String: JSONValue]) {
        self.schemas = schemas
    }

    /// The schemas of a Markdown document: every fenced ```` ```json ```` block whose object has a `$id`.
    ///
    /// - Throws: when such a block is not valid JSON, or two blocks share an `$id`.
    public init(markdown: String) throws {
        var schemas: [String: JSONValue] = [:]
        for block in Self.jsonBlocks(in: markdown) {
            let value: JSONValue
            do {
                value = try JSONValue.parse(block)
            } catch {
                throw SchemaError("a ```json block is not valid JSON (\(error)):\n\(block)")
            }
            guard case .string(let id)? = value["$id"] else { continue }
            if schemas[id] != nil { throw SchemaError("two schemas have the $id \(id)") }
            schemas[id] = value
        }
        self.init(schemas: schemas)
    }

    /// The text of each fenced block opened with ```` ```json ````.
    public static func jsonBlocks(in markdown: String) -> [String] {
        var blocks: [String] = []
        var current: [Substring]?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = String(line.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
            if current == nil {
                if trimmed == "```json" { current = [] }
            } else if trimmed == "```" {
                blocks.append(current!.joined(separator: "\n"))
                current = nil
            } else {
                current!.append(line)
            }
        }
        return blocks
    }

    /// What is wrong with the schemas themselves: unknown keywords, unknown type names, `$ref`s to no schema.
    public func schemaProblems() -> [String] {
        schemas.keys.sorted().flatMap { id in schemaProblems(schemas[id]!, at: id) }
    }

    private func schemaProblems(_ schema: JSONValue, at path: String) -> [String] {
        guard case .object(let members) = schema else { return ["\(path): a schema must be an object"] }
        var problems: [String] = []
        for key in members.keys.sorted() where !Self.keywords.contains(key) && !Self.annotations.contains(key) {
            problems.append("\(path): unsupported keyword \(key)")
        }
        switch members["type"] {
        case nil: break
        case .string(let name)?:
            if !Self.typeNames.contains(name) { problems.append("\(path): unknown type \(name)") }
        case .array(let names)?:
            for name in names where !Self.typeNames.contains(name.stringValue ?? "") {
                problems.append("\(path): unknown type \(name)")
            }
        default: problems.append("\(path): type must be a name or a list of names")
        }
        if case .string(let target)? = members["$ref"], schemas[target] == nil {
            problems.append("\(path): $ref \(target) names no schema")
        }
        if case .object(let properties)? = members["properties"] {
            for name in properties.keys.sorted() {
                problems += schemaProblems(properties[name]!, at: "\(path).\(name)")
            }
            if case .array(let required)? = members["required"] {
                for name in required where properties[name.stringValue ?? ""] == nil {
                    problems.append("\(path): required \(name) is not among the properties")
                }
            }
        }
        if let items = members["items"] { problems += schemaProblems(items, at: "\(path)[]") }
        return problems
    }

    /// What in `value` does not match the schema with `$id` `id`: one line per mismatch, with its path (`$.pins[0]`).
    /// Empty when the value matches.
    public func problems(_ value: JSONValue, against id: String) -> [String] {
        guard let schema = schemas[id] else { return ["no schema with $id \(id)"] }
        return problems(value, schema, at: "$")
    }

    /// ``problems(_:against:)`` for a JSON text.
    public func problems(json text: some StringProtocol, against id: String) -> [String] {
        do {
            return problems(try JSONValue.parse(text), against: id)
        } catch {
            return ["not JSON (\(error)): \(text)"]
        }
    }

    private func problems(_ value: JSONValue, _ schema: JSONValue, at path: String) -> [String] {
        guard case .object(let keywords) = schema else { return ["\(path): the schema is not an object"] }
        var problems: [String] = []
        if case .string(let target)? = keywords["$ref"] {
            guard let referenced = schemas[target] else { return ["\(path): $ref \(target) names no schema"] }
            problems += self.problems(value, referenced, at: path)
        }
        if let type = keywords["type"] {
            let allowed: [String]
            switch type {
            case .string(let name): allowed = [name]
            case .array(let names): allowed = names.compactMap(\.stringValue)
            default: allowed = []
            }
            let actual = value.typeName
            // An integer is a number too.
            let matches = allowed.contains(actual) || (actual == "integer" && allowed.contains("number"))
            if !matches {
                return problems + ["\(path): \(actual) \(value), expected \(allowed.joined(separator: " or "))"]
            }
        }
        if case .array(let choices)? = keywords["enum"], !choices.contains(value) {
            problems.append("\(path): \(value) is not one of \(JSONValue.array(choices))")
        }
        if let minimum = keywords["minimum"] {
            let bound: Double? = switch minimum {
            case .integer(let number): Double(number)
            case .number(let number): number
            default: nil
            }
            let actual: Double? = switch value {
            case .integer(let number): Double(number)
            case .number(let number): number
            default: nil
            }
            if let bound, let actual, actual < bound { problems.append("\(path): \(value) is below \(minimum)") }
        }
        if case .object(let members) = value {
            let properties: [String: JSONValue]
            if case .object(let declared)? = keywords["properties"] { properties = declared } else { properties = [:] }
            if case .array(let required)? = keywords["required"] {
                for name in required.compactMap(\.stringValue) where members[name] == nil {
                    problems.append("\(path): required \(name) is missing")
                }
            }
            for name in members.keys.sorted() {
                if let property = properties[name] {
                    problems += self.problems(members[name]!, property, at: "\(path).\(name)")
                } else if keywords["additionalProperties"] == .bool(false) {
                    problems.append("\(path): \(name) is not in the schema")
                }
            }
        }
        if case .array(let elements) = value, let items = keywords["items"] {
            for (index, element) in elements.enumerated() {
                problems += self.problems(element, items, at: "\(path)[\(index)]")
            }
        }
        return problems
    }

    public struct SchemaError: Error, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }
}
