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

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.slotwise.ratelimit.RateLimitDecision;
import dev.slotwise.ratelimit.RateLimited;
import dev.slotwise.ratelimit.RateLimiter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.expression.Expression;
import org.springframework.expression.ExpressionParser;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.StandardEvaluationContext;
import org.springframework.http.HttpStatus;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Applies {@link RateLimited} to Spring MVC handler methods: every limited response
 * carries {@code RateLimit-Limit}, {@code RateLimit-Remaining} and
 * {@code RateLimit-Reset} (seconds); a denied request is answered {@code 429} with
 * {@code Retry-After} (seconds) before the handler runs. A subject expression that yields
 * nothing is answered {@code 400}: a request is never allowed because its subject is
 * missing.
 */
public class RateLimitedInterceptor implements HandlerInterceptor {

	private static final ExpressionParser parser = new SpelExpressionParser();

	private final RateLimiter limiter;

	private final Map<String, Expression> expressions = new ConcurrentHashMap<>();

	/**
	 * Create the interceptor.
	 * @param limiter the limiter
	 */
	public RateLimitedInterceptor(RateLimiter limiter) {
		this.limiter = limiter;
	}

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
			throws Exception {
		RateLimited limited = annotation(handler);
		if (limited == null) {
			return true;
		}
		String subject = subject(limited.subject(), request);
		if (subject == null || subject.isBlank()) {
			response.sendError(HttpStatus.BAD_REQUEST.value(), "Rate limit '" + limited.value()
					+ "': its subject expression '" + limited.subject() + "' gave nothing for this request");
			return false;
		}
		RateLimitDecision decision = this.limiter.tryAcquire(subject, limited.value());
		response.setHeader("RateLimit-Limit", Long.toString(decision.limit()));
		response.setHeader("RateLimit-Remaining", Long.toString(decision.remaining()));
		response.setHeader("RateLimit-Reset", Long.toString(seconds(decision.resetAfter().toMillis())));
		if (decision.allowed()) {
			return true;
		}
		response.setHeader("Retry-After", Long.toString(Math.max(1, seconds(decision.retryAfter().toMillis()))));
		response.sendError(HttpStatus.TOO_MANY_REQUESTS.value(),
				"Rate limit '" + limited.value() + "' exceeded; retry after the Retry-After header's seconds");
		return false;
	}

	static @Nullable RateLimited annotation(Object handler) {
		if (!(handler instanceof HandlerMethod method)) {
			return null;
		}
		RateLimited limited = AnnotatedElementUtils.findMergedAnnotation(method.getMethod(), RateLimited.class);
		return (limited != null) ? limited
				: AnnotatedElementUtils.findMergedAnnotation(method.getBeanType(), RateLimited.class);
	}

	private @Nullable String subject(String expression, HttpServletRequest request) {
		StandardEvaluationContext context = new StandardEvaluationContext();
		context.setVariable("request", request);
		context.setVariable("principal", request.getUserPrincipal());
		context.setVariable("pathVariables", request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE));
		Object value = this.expressions.computeIfAbsent(expression, parser::parseExpression).getValue(context);
		return (value != null) ? value.toString() : null;
	}

	static void parse(String expression) {
		parser.parseExpression(expression);
	}

	private static long seconds(long millis) {
		return (millis + 999) / 1000;
	}

}
