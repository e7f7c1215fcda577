# engine/common/git_revision.cmake on a scratch repository: the file it writes names HEAD as
# `git log` reports it, a second run with HEAD unchanged leaves the file untouched (nothing
# recompiles), a new commit rewrites it, and outside a checkout the revision is "".
#   cmake -DSCRIPT=.../git_revision.cmake -DWORK=<scratch dir> -DGIT=git -P git_revision_test.cmake
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}/repo")
set(repo "${WORK}/repo")
set(out "${WORK}/git_revision.cpp")
function(git)
  execute_process(COMMAND "${GIT}" -c user.name=t -c user.email=t@example.invalid ${ARGN}
                  WORKING_DIRECTORY "${repo}" RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "git ${ARGN} failed (${rc})")
  endif()
endfunction()
function(head_of var)
  # The full hash from git log, cut to 10 characters here: a second way to the short form.
  execute_process(COMMAND "${GIT}" log -1 --format=%H WORKING_DIRECTORY "${repo}"
                  OUTPUT_VARIABLE h OUTPUT_STRIP_TRAILING_WHITESPACE)
  string(SUBSTRING "${h}" 0 10 h)
  set(${var} "${h}" PARENT_SCOPE)
endfunction()
function(run_script src)
  execute_process(COMMAND "${CMAKE_COMMAND}" -DSOURCE_DIR=${src} -DOUT=${out} -DGIT=${GIT}
                          -P "${SCRIPT}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "git_revision.cmake failed (${rc})")
  endif()
endfunction()
function(expect_revision want)
  file(READ "${out}" text)
  string(FIND "${text}" "return \"${want}\";" at)
  if(at LESS 0)
    message(FATAL_ERROR "expected revision '${want}' in ${out}, got:\n${text}")
  endif()
endfunction()

git(init -q)
file(WRITE "${repo}/a.txt" "one\n")
git(add a.txt)
git(commit -q -m one)
head_of(first)
run_script("${repo}")
expect_revision("${first}")

# Unchanged HEAD: the file is not rewritten (its modification time, in seconds, stays).
file(TIMESTAMP "${out}" before "%s")
execute_process(COMMAND "${CMAKE_COMMAND}" -E sleep 1.1)
run_script("${repo}")
file(TIMESTAMP "${out}" after "%s")
if(NOT before STREQUAL after)
  message(FATAL_ERROR "the file was rewritten although HEAD did not change")
endif()

file(WRITE "${repo}/a.txt" "two\n")
git(commit -q -a -m two)
head_of(second)
if(first STREQUAL second)
  message(FATAL_ERROR "test setup: two commits with one hash")
endif()
run_script("${repo}")
expect_revision("${second}")

# Not a checkout: no revision.
file(MAKE_DIRECTORY "${WORK}/plain")
run_script("${WORK}/plain")
expect_revision("")
message(STATUS "git_revision.cmake: ${first} -> ${second} -> \"\"")
