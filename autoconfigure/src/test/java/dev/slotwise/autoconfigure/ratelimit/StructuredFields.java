/*
 * Copyright 2026 the Slotwise authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package dev.slotwise.autoconfigure.ratelimit;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict parser of the structured-field List (RFC 9651, section 4.2.1), for tests: it
 * accepts exactly what the RFC's parsing algorithm accepts for Lists of Items with
 * Integers, Decimals, Strings, Tokens, Byte Sequences and Booleans (no Inner Lists, Dates
 * or Display Strings, which no rate-limit field uses), and fails on anything else, naming
 * the position.
 */
final class StructuredFields {

	private final String input;

	private int position;

	private StructuredFields(String input) {
		this.input = input;
	}

	/** A list member: its bare item and its parameters, in order. */
	record Item(Object value, Map<String, Object> parameters) {

	}

	/** A token, kept apart from a String. */
	record Token(String value) {

	}

	static List<Item> parseList(String field) {
		StructuredFields parser = new StructuredFields(field);
		parser.skipSpaces();
		List<Item> members = new ArrayList<>();
		while (!parser.atEnd()) {
			members.add(parser.item());
			parser.skipOws();
			if (parser.atEnd()) {
				return members;
			}
			parser.expect(',');
			parser.skipOws();
			if (parser.atEnd()) {
				throw parser.error("a trailing comma");
			}
		}
		return members;
	}

	private Item item() {
		Object value = bareItem();
		Map<String, Object> parameters = new LinkedHashMap<>();
		while (!atEnd() && peek() == ';') {
			this.position++;
			skipSpaces();
			String key = key();
			Object parameter = Boolean.TRUE;
			if (!atEnd() && peek() == '=') {
				this.position++;
				parameter = bareItem();
			}
			parameters.put(key, parameter);
		}
		return new Item(value, parameters);
	}

	private Object bareItem() {
		if (atEnd()) {
			throw error("an item where the field ends");
		}
		char c = peek();
		if (c == '-' || isDigit(c)) {
			return number();
		}
		if (c == '"') {
			return string();
		}
		if (c == '*' || isAlpha(c)) {
			return token();
		}
		if (c == ':') {
			return byteSequence();
		}
		if (c == '?') {
			this.position++;
			char b = next();
			if (b == '1' || b == '0') {
				return b == '1';
			}
			throw error("a Boolean other than ?0 or ?1");
		}
		throw error("'" + c + "', which starts no item");
	}

	private String key() {
		if (atEnd() || !(isLcAlpha(peek()) || peek() == '*')) {
			throw error("a key that does not start with a lowercase letter or '*'");
		}
		int start = this.position;
		while (!atEnd() && (isLcAlpha(peek()) || isDigit(peek()) || "_-.*".indexOf(peek()) >= 0)) {
			this.position++;
		}
		return this.input.substring(start, this.position);
	}

	private Object number() {
		int start = this.position;
		if (peek() == '-') {
			this.position++;
		}
		if (atEnd() || !isDigit(peek())) {
			throw error("a number without digits");
		}
		boolean decimal = false;
		int digits = 0;
		int integerDigits = 0;
		while (!atEnd()) {
			char c = peek();
			if (isDigit(c)) {
				digits++;
				this.position++;
			}
			else if (c == '.' && !decimal) {
				if (digits > 12) {
					throw error("a Decimal with more than 12 integer digits");
				}
				decimal = true;
				integerDigits = digits;
				this.position++;
			}
			else {
				break;
			}
			if (!decimal && digits > 15) {
				throw error("an Integer with more than 15 digits");
			}
			if (decimal && digits > 15) {
				throw error("a Decimal with more than 15 digits");
			}
		}
		String text = this.input.substring(start, this.position);
		if (!decimal) {
			return Long.parseLong(text);
		}
		if (text.endsWith(".")) {
			throw error("a Decimal ending in '.'");
		}
		if (digits - integerDigits > 3) {
			throw error("a Decimal with more than 3 fractional digits");
		}
		return new BigDecimal(text);
	}

	private String string() {
		expect('"');
		StringBuilder value = new StringBuilder();
		while (true) {
			if (atEnd()) {
				throw error("a String without its closing quote");
			}
			char c = next();
			if (c == '\\') {
				if (atEnd()) {
					throw error("a String ending in a backslash");
				}
				char escaped = next();
				if (escaped != '"' && escaped != '\\') {
					throw error("an escape other than \\\" or \\\\");
				}
				value.append(escaped);
			}
			else if (c == '"') {
				return value.toString();
			}
			else if (c < 0x20 || c > 0x7e) {
				throw error("a character outside printable ASCII in a String");
			}
			else {
				value.append(c);
			}
		}
	}

	private Token token() {
		int start = this.position;
		this.position++;
		while (!atEnd() && (isTchar(peek()) || peek() == ':' || peek() == '/')) {
			this.position++;
		}
		return new Token(this.input.substring(start, this.position));
	}

	private byte[] byteSequence() {
		expect(':');
		int end = this.input.indexOf(':', this.position);
		if (end < 0) {
			throw error("a Byte Sequence without its closing colon");
		}
		String encoded = this.input.substring(this.position, end);
		this.position = end + 1;
		return Base64.getDecoder().decode(encoded);
	}

	private void expect(char c) {
		if (atEnd() || peek() != c) {
			throw error("something other than '" + c + "'");
		}
		this.position++;
	}

	private void skipSpaces() {
		while (!atEnd() && peek() == ' ') {
			this.position++;
		}
	}

	private void skipOws() {
		while (!atEnd() && (peek() == ' ' || peek() == '\t')) {
			this.position++;
		}
	}

	private boolean atEnd() {
		return this.position >= this.input.length();
	}

	private char peek() {
		return this.input.charAt(this.position);
	}

	private char next() {
		return this.input.charAt(this.position++);
	}

	private IllegalArgumentException error(String what) {
		return new IllegalArgumentException(
				"Not a structured-field List: " + what + " at position " + this.position + " of '" + this.input + "'");
	}

	private static boolean isDigit(char c) {
		return c >= '0' && c <= '9';
	}

	private static boolean isLcAlpha(char c) {
		return c >= 'a' && c <= 'z';
	}

	private static boolean isAlpha(char c) {
		return isLcAlpha(c) || (c >= 'A' && c <= 'Z');
	}

	private static boolean isTchar(char c) {
		return isAlpha(c) || isDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
	}

}
