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

package dev.slotwise.ratelimit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Limits a Spring MVC or WebFlux handler method by a named limit
 * ({@code slotwise.rate-limit.limits.<name>.*}). A denied request gets {@code 429 Too
 * Many Requests} with {@code Retry-After} and an RFC 9457 problem detail; every limited
 * response carries the rate-limit header fields {@code slotwise.rate-limit.headers}
 * chooses ({@code RateLimit-Policy} and {@code RateLimit} by default).
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RateLimited {

	/**
	 * The name of the limit, as configured under {@code slotwise.rate-limit.limits}. An
	 * unknown name fails the application at start-up.
	 * @return the limit's name
	 */
	String value();

	/**
	 * A SpEL expression for the subject the limit counts, evaluated against the request:
	 * {@code #request} (the {@code HttpServletRequest}, or WebFlux's
	 * {@code ServerHttpRequest}, which gets a {@code remoteAddr} so that the default
	 * works on both), {@code #principal} (its user, or null), {@code #pathVariables} (a
	 * map), and on WebFlux {@code #exchange}. A subject that evaluates to null or blank
	 * is answered {@code 400} with a problem detail naming the expression, never allowed
	 * silently.
	 * @return the expression
	 */
	String subject() default "#request.remoteAddr";

}
