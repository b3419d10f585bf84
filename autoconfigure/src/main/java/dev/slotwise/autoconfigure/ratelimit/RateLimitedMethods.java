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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.slotwise.ratelimit.RateLimited;
import dev.slotwise.ratelimit.RateLimiter;
import org.jspecify.annotations.Nullable;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;
import org.springframework.expression.ExpressionParser;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.web.method.HandlerMethod;

/**
 * What Spring MVC's interceptor and WebFlux's filter share about {@link RateLimited}
 * handler methods: finding the annotation (on the method, else its class), evaluating the
 * subject expression (parsed once per expression), and checking every handler at
 * start-up.
 */
final class RateLimitedMethods {

	private static final ExpressionParser parser = new SpelExpressionParser();

	private final Map<String, Expression> expressions = new ConcurrentHashMap<>();

	static @Nullable RateLimited annotation(Object handler) {
		if (!(handler instanceof HandlerMethod method)) {
			return null;
		}
		RateLimited limited = AnnotatedElementUtils.findMergedAnnotation(method.getMethod(), RateLimited.class);
		return (limited != null) ? limited
				: AnnotatedElementUtils.findMergedAnnotation(method.getBeanType(), RateLimited.class);
	}

	/**
	 * The subject of a request.
	 * @param expression the annotation's subject expression
	 * @param context the request's variables
	 * @return the subject, or {@code null} when the expression gave nothing or blank text
	 */
	@Nullable String subject(String expression, EvaluationContext context) {
		Object value = this.expressions.computeIfAbsent(expression, parser::parseExpression).getValue(context);
		String subject = (value != null) ? value.toString() : null;
		return (subject == null || subject.isBlank()) ? null : subject;
	}

	/**
	 * Check the {@link RateLimited} handler methods of a handler mapping.
	 * @param limiter the limiter, which knows the configured limits
	 * @param handlers the handler methods
	 * @return one message per problem: an unknown limit name (with the property to set),
	 * a subject expression that does not parse
	 */
	static List<String> problems(RateLimiter limiter, Iterable<HandlerMethod> handlers) {
		List<String> problems = new ArrayList<>();
		for (HandlerMethod method : handlers) {
			RateLimited limited = annotation(method);
			if (limited == null) {
				continue;
			}
			if (!limiter.limits().containsKey(limited.value())) {
				problems.add(method + " uses @RateLimited(\"" + limited.value()
						+ "\"), which is not configured: add slotwise.rate-limit.limits." + limited.value()
						+ ".permits (known: " + limiter.limits().keySet() + ")");
			}
			try {
				parser.parseExpression(limited.subject());
			}
			catch (RuntimeException ex) {
				problems.add(method + " has a subject expression that does not parse: '" + limited.subject() + "' ("
						+ ex.getMessage() + ")");
			}
		}
		return problems;
	}

	static void failOn(List<String> problems) {
		if (!problems.isEmpty()) {
			throw new IllegalStateException("@RateLimited is misconfigured:\n" + String.join("\n", problems));
		}
	}

}
