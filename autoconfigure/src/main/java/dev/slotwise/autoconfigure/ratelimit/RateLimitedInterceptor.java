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

import dev.slotwise.ratelimit.RateLimitDecision;
import dev.slotwise.ratelimit.RateLimited;
import dev.slotwise.ratelimit.RateLimiter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.expression.spel.support.StandardEvaluationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Applies {@link RateLimited} to Spring MVC handler methods: every limited response
 * carries the rate-limit fields {@link RateLimitHeaders} chooses; a denied request is
 * answered {@code 429} with {@code Retry-After} (seconds) and an RFC 9457 problem detail
 * before the handler runs. A subject expression that yields nothing is answered
 * {@code 400} with a problem detail naming the expression: a request is never allowed
 * because its subject is missing.
 */
public class RateLimitedInterceptor implements HandlerInterceptor {

	private final RateLimiter limiter;

	private final RateLimitHeaders headers;

	private final RateLimitedMethods methods = new RateLimitedMethods();

	/**
	 * Create the interceptor, sending the draft's header fields.
	 * @param limiter the limiter
	 */
	public RateLimitedInterceptor(RateLimiter limiter) {
		this(limiter, RateLimitHeaders.DRAFT);
	}

	/**
	 * Create the interceptor.
	 * @param limiter the limiter
	 * @param headers which rate-limit header fields to send
	 */
	public RateLimitedInterceptor(RateLimiter limiter, RateLimitHeaders headers) {
		this.limiter = limiter;
		this.headers = headers;
	}

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
			throws Exception {
		RateLimited limited = RateLimitedMethods.annotation(handler);
		if (limited == null) {
			return true;
		}
		String subject = this.methods.subject(limited.subject(), context(request));
		if (subject == null) {
			problem(response, RateLimitProblem.subjectMissing(limited, request.getRequestURI()));
			return false;
		}
		RateLimitDecision decision = this.limiter.tryAcquire(subject, limited.value());
		this.headers.write(limited.value(), this.limiter.limits().get(limited.value()), decision, response::setHeader);
		if (decision.allowed()) {
			return true;
		}
		response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(RateLimitHeaders.retryAfterSeconds(decision)));
		problem(response, RateLimitProblem.exceeded(limited, decision, request.getRequestURI()));
		return false;
	}

	private static StandardEvaluationContext context(HttpServletRequest request) {
		StandardEvaluationContext context = new StandardEvaluationContext();
		context.setVariable("request", request);
		context.setVariable("principal", request.getUserPrincipal());
		context.setVariable("pathVariables", request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE));
		return context;
	}

	private static void problem(HttpServletResponse response, ProblemDetail problem) throws java.io.IOException {
		byte[] body = RateLimitProblem.json(problem);
		response.setStatus(problem.getStatus());
		response.setContentType(RateLimitProblem.MEDIA_TYPE.toString());
		response.setContentLength(body.length);
		response.getOutputStream().write(body);
		response.flushBuffer();
	}

}
