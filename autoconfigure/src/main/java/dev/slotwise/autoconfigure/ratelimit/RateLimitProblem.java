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

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import dev.slotwise.ratelimit.RateLimitDecision;
import dev.slotwise.ratelimit.RateLimited;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

/**
 * The RFC 9457 problem details ({@code application/problem+json}) that a
 * {@link RateLimited} request is answered with when it does not reach its handler, on
 * Spring MVC and WebFlux alike: {@code 400} when the subject expression gave nothing for
 * the request, {@code 429} when the limit denied it. Written by hand, without a JSON
 * library: the members are few and fixed, and a request refused here must not depend on
 * the application's message converters or codecs.
 */
public final class RateLimitProblem {

	/** {@code application/problem+json}. */
	public static final MediaType MEDIA_TYPE = MediaType.APPLICATION_PROBLEM_JSON;

	private RateLimitProblem() {
	}

	/**
	 * The problem of a request whose subject expression gave nothing.
	 * @param limited the handler's annotation
	 * @param path the request's path, the problem's instance
	 * @return a {@code 400} problem naming the limit and the expression
	 */
	public static ProblemDetail subjectMissing(RateLimited limited, String path) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "Rate limit '"
				+ limited.value() + "': its subject expression '" + limited.subject()
				+ "' resolved to nothing for this request, so the request cannot be counted; send what the expression "
				+ "reads (a header, a path variable, a signed-in user), or change @RateLimited(subject = ...)");
		problem.setTitle("Rate-limit subject missing");
		problem.setInstance(instance(path));
		problem.setProperty("limit", limited.value());
		problem.setProperty("subjectExpression", limited.subject());
		return problem;
	}

	/**
	 * The problem of a request the limit denied.
	 * @param limited the handler's annotation
	 * @param decision the denial
	 * @param path the request's path, the problem's instance
	 * @return a {@code 429} problem naming the limit and when to retry
	 */
	public static ProblemDetail exceeded(RateLimited limited, RateLimitDecision decision, String path) {
		long retryAfter = RateLimitHeaders.retryAfterSeconds(decision);
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS,
				"Rate limit '" + limited.value() + "' exceeded; retry after " + retryAfter + " s");
		problem.setInstance(instance(path));
		problem.setProperty("limit", limited.value());
		problem.setProperty("retryAfter", retryAfter);
		return problem;
	}

	private static @Nullable URI instance(String path) {
		try {
			return URI.create(path);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	/**
	 * A problem as {@code application/problem+json}: {@code type}, {@code title},
	 * {@code status}, {@code detail}, {@code instance} and the problem's properties
	 * (strings, numbers and booleans), in that order.
	 * @param problem the problem
	 * @return its JSON, in UTF-8
	 */
	public static byte[] json(ProblemDetail problem) {
		StringBuilder json = new StringBuilder(256).append('{');
		URI type = problem.getType();
		member(json, "type", (type != null) ? type.toString() : "about:blank");
		if (problem.getTitle() != null) {
			member(json, "title", problem.getTitle());
		}
		member(json, "status", problem.getStatus());
		if (problem.getDetail() != null) {
			member(json, "detail", problem.getDetail());
		}
		if (problem.getInstance() != null) {
			member(json, "instance", problem.getInstance().toString());
		}
		Map<String, @Nullable Object> properties = problem.getProperties();
		if (properties != null) {
			properties.forEach((name, value) -> member(json, name, value));
		}
		return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
	}

	private static void member(StringBuilder json, String name, @Nullable Object value) {
		if (json.length() > 1) {
			json.append(',');
		}
		quote(json, name);
		json.append(':');
		if (value == null) {
			json.append("null");
		}
		else if (value instanceof Number || value instanceof Boolean) {
			json.append(value);
		}
		else {
			quote(json, value.toString());
		}
	}

	private static void quote(StringBuilder json, String value) {
		json.append('"');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			switch (c) {
				case '"' -> json.append("\\\"");
				case '\\' -> json.append("\\\\");
				case '\n' -> json.append("\\n");
				case '\r' -> json.append("\\r");
				case '\t' -> json.append("\\t");
				default -> {
					if (c < 0x20) {
						json.append(String.format("\\u%04x", (int) c));
					}
					else {
						json.append(c);
					}
				}
			}
		}
		json.append('"');
	}

}
