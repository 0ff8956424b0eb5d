#!/usr/bin/env bash
# Rebuilds the bundled pose catalogue (src/Likeness.Core/Vision/Pose/Templates/poses.json) from the real photos and
# clips in ../shared/testdata with `likeness pose extract` itself. Needs ffmpeg (for the video frames) and a built CLI.
# Only keypoints are kept: no pixels of these photos enter the repository.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
data=${LIKENESS_TESTDATA:-$here/../shared/testdata}
out=${1:-$here/src/Likeness.Core/Vision/Pose/Templates/poses.json}
draw=${DRAW:-}
[ -d "$data" ] || { echo "build-catalog: $data is missing (the shared test data)" >&2; exit 2; }
command -v ffmpeg >/dev/null || { echo "build-catalog: ffmpeg is missing (apt-get install ffmpeg)" >&2; exit 2; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
frame() { # clip frame-number name
  ffmpeg -loglevel error -y -i "$data/video/$1" -vf "select=eq(n\,$2)" -vframes 1 "$work/$3.png"; echo "$work/$3.png"; }
catalog="$work/poses.json"
n=0
extract() { # photo id category tags [extra options...]
  local photo=$1 id=$2 category=$3 tags=$4; shift 4
  local args=(pose extract "$photo" --id "$id" --category "$category" --tags "$tags" --out "$catalog")
  [ -n "$draw" ] && args+=(--draw "$draw/$id")
  if "$here/tools/likeness.sh" "${args[@]}" "$@" >/dev/null; then n=$((n+1)); else echo "build-catalog: no pose for $id" >&2; fi
}
F=$data/fullbody P=$data/portraits
extract "$F/tf_pose/golf.jpg" golf-swing sport "golf,swing,outdoor"
extract "$F/tf_pose/ski.jpg" roller-skating sport "skating,balance,outdoor" --person 1
extract "$F/tf_pose/ski.jpg" standing-watching standing "relaxed,outdoor" --person 2
extract "$F/tf_pose/ski.jpg" standing-on-skates standing "skates,relaxed" --person 3
extract "$F/tf_pose/ski.jpg" sitting-on-ground sitting "ground,relaxed,outdoor" --person 4
extract "$F/tf_pose/ski.jpg" sitting-legs-stretched sitting "ground,legs-out,outdoor" --person 5
extract "$F/tf_pose/p1.jpg" kicking-ball sport "football,kick"
extract "$F/opencv/messi5.jpg" football-dribble sport "football,run,stadium"
extract "$F/opencv/basketball1.png" throwing-ball sport "basketball,throw,indoor" --person 1
extract "$F/tf_pose/apink1.jpg" stage-arm-raised fashion "stage,dance,arm-raised"
extract "$F/face_recognition/kit_with_rose.jpg" red-carpet-hands-clasped fashion "red-carpet,dress,hands-clasped" --person 2
extract "$F/face_recognition/kit_with_rose.jpg" red-carpet-suit fashion "red-carpet,suit,hands-in-front" --person 1
extract "$F/dlib/2009_004587.jpg" hand-on-hip fashion "hand-on-hip,shirt,indoor" --person 1
extract "$F/dlib/2008_004176.jpg" group-standing-costume standing "group,costume" --person 1
for i in 1 2 3 4; do
  extract "$F/tf_pose/p3_dance.png" "dance-$i" sport "dance,studio" --person "$i"
done
extract "$P/tf_pose/hand1.jpg" waving-hello gestures "wave,hand-raised,greeting"
extract "$P/face_recognition/two_people.jpg" arms-crossed-left business "arms-crossed,suit" --person 1
extract "$P/face_recognition/two_people.jpg" arms-crossed-right business "arms-crossed,suit" --person 2
extract "$P/face_recognition/obama_and_biden.jpg" podium-waving business "suit,wave,stage" --person 1
extract "$P/face_recognition/obama_and_biden.jpg" podium-standing business "suit,stage" --person 2
extract "$P/skimage/astronaut.png" holding-helmet casual "helmet,holding,portrait"
# vtest.avi: pedestrians crossing a campus (10 fps). Walkers were found by differencing each frame against the
# clip's median frame (boxes with a 20 % margin), then the ones with all joints confident and distinct strides kept.
extract "$(frame vtest.avi 600 vt600)" walking-away walking "walk,coat,from-behind" --box 255,420,100,156
extract "$(frame vtest.avi 640 vt640)" walking-coat walking "walk,coat,toward-camera" --box 315,370,95,165
extract "$(frame vtest.avi 200 vt200)" walking-stride-crossing walking "walk,campus" --box 472,136,62,96
extract "$(frame vtest.avi 200 vt200)" walking-toward-camera walking "walk,campus" --box 684,242,80,122
extract "$(frame vtest.avi 240 vt240)" walking-hands-in-pockets walking "walk,campus" --box 430,240,72,124
extract "$(frame vtest.avi 360 vt360)" walking-long-stride walking "walk,campus" --box 510,187,78,110
extract "$(frame vtest.avi 400 vt400)" walking-sideways-arm-swing walking "walk,campus" --box 664,289,102,134
extract "$(frame vtest.avi 480 vt480)" walking-stride-left-foot walking "walk,campus" --box 442,228,86,122
extract "$(frame vtest.avi 600 vt600)" walking-narrow walking "walk,campus" --box 553,192,60,105
extract "$(frame vtest.avi 600 vt600)" walking-arm-out walking "walk,campus" --box 652,199,78,108
extract "$(frame vtest.avi 720 vt720)" walking-stride-wide walking "walk,campus" --box 244,176,64,96
extract "$(frame vtest.avi 720 vt720)" walking-stride-right-foot walking "walk,campus" --box 444,191,68,112
extract "$(frame vtest.avi 760 vt760)" walking-on-grass walking "walk,campus" --box 204,190,104,148
extract "$(frame vtest.avi 200 vt200)" walking-carrying walking "walk,campus" --box 595,254,78,127
extract "$(frame vtest.avi 720 vt720)" walking-arm-bent walking "walk,campus" --box 539,192,70,105
extract "$(frame vtest.avi 640 vt640)" walking-upright walking "walk,campus" --box 623,201,76,115
extract "$(frame vtest.avi 280 vt280)" walking-small-steps walking "walk,campus" --box 246,174,64,98
# short_hamilton_clip.mp4: a performer on stage with a hand-held microphone. (Its waist-up close-ups are left out:
# MoveNet puts the elbows of hands raised in front of the chest at the bottom of the frame.)
extract "$(frame short_hamilton_clip.mp4 0 ham0)" stage-microphone-arm-out gestures "microphone,arm-out,stage,suit"
echo "build-catalog: $n poses" >&2
"$here/tools/likeness.sh" pose list --catalog "$catalog" >/dev/null
cp "$catalog" "$out"
echo "build-catalog: wrote $out" >&2
